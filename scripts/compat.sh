#!/usr/bin/env bash
# Checks Pivot's use of @grafana/data, @grafana/ui and @grafana/runtime against the oldest
# Grafana it supports (newest 11.6.x patch) and the newest 12.x, with @grafana/levitate.
# levitate follows src/module.tsx through every static and lazy import, and fetches the target
# packages' types from the npm registry (nothing from GitHub).
#
# Why exact versions: levitate resolves each target with `npm view <pkg>@<version>`, which for a
# range such as 11.6.x prints an array and levitate then reports "Could not find package".
# Why the output is scanned: levitate logs "Could not process the package …" and still exits 0
# when it fails to fetch or read a target, which would pass the check without checking.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(@grafana/data @grafana/ui @grafana/runtime)
RANGES=("${COMPAT_RANGES:-11.6.x 12.x}")
ENTRY="${COMPAT_ENTRY:-src/module.tsx}"

# The newest published version of a package within a semver range (pre-releases excluded).
newest_in_range() {
  node -e '
    const { execFileSync } = require("child_process");
    const semver = require("semver");
    const [pkg, range] = process.argv.slice(1);
    const versions = JSON.parse(execFileSync("npm", ["view", pkg, "versions", "--json"], { encoding: "utf8" }));
    const best = semver.maxSatisfying(versions, range);
    if (!best) { console.error(`compat: no version of ${pkg} in ${range} on the registry`); process.exit(1); }
    console.log(best);
  ' "$1" "$2"
}

status=0
for range in ${RANGES[*]}; do
  targets=()
  for pkg in "${PACKAGES[@]}"; do
    targets+=("$pkg@$(newest_in_range "$pkg" "$range")")
  done
  target_list=$(IFS=,; echo "${targets[*]}")
  printf '\n=== compat: %s against %s ===\n' "$ENTRY" "$target_list"
  log=$(mktemp)
  if ! npx --no-install levitate is-compatible --path "$ENTRY" --target "$target_list" 2>&1 | tee "$log"; then
    status=1
  fi
  if grep -qE 'Could not process the package|Skipping package' "$log"; then
    echo "compat: levitate could not check every package against $range (see above)"
    status=1
  fi
  rm -f "$log"
done

if [ "$status" -ne 0 ]; then
  echo "compat: FAILED. An API missing in an older Grafana must be used behind a feature check with a fallback."
fi
exit "$status"
