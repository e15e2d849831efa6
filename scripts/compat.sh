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
#
# What is cached, outside the repository in $COMPAT_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/pivot/compat), so that a second run takes seconds:
# - versions/: each package's published versions (`npm view … versions`), kept a day;
# - levitate/: the tarballs levitate downloads (it keeps them when LEVITATE_CACHE is set, in
#   its temporary directory, which TMPDIR points here); published versions never change;
# - passed/: one file per check that passed, named by a hash of everything the result depends
#   on (the sources that import the packages, package-lock.json, .levignore.js, the levitate
#   version, this script, the target versions). A check with the same inputs passes again
#   without running; only passes are kept, so a failure is re-checked (and fails) on every
#   run. COMPAT_FRESH=1 ignores them.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${COMPAT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pivot/compat}"
VERSIONS_MAX_AGE_MINUTES=1440
mkdir -p "$CACHE/versions" "$CACHE/levitate" "$CACHE/passed"

PACKAGES=(@grafana/data @grafana/ui @grafana/runtime)
RANGES=("${COMPAT_RANGES:-11.6.x 12.x}")
ENTRY="${COMPAT_ENTRY:-src/module.tsx}"

# The published versions of a package as a JSON array, from the cache when it is less than a
# day old. When the registry cannot answer, an older cached list is used with a warning; with
# no list at all the check fails (it cannot check).
published_versions() {
  local pkg="$1" file="$CACHE/versions/${1//\//+}.json"
  if [ -s "$file" ] && [ -n "$(find "$file" -mmin -"$VERSIONS_MAX_AGE_MINUTES")" ]; then
    cat "$file"
    return
  fi
  local fresh
  if fresh=$(npm view "$pkg" versions --json 2>/dev/null) && [ -n "$fresh" ]; then
    printf '%s\n' "$fresh" >"$file.tmp" && mv "$file.tmp" "$file"
    cat "$file"
  elif [ -s "$file" ]; then
    echo "compat: the npm registry did not answer for $pkg; using the versions cached on $(date -r "$file" -u +%FT%TZ)" >&2
    cat "$file"
  else
    echo "compat: cannot check: the npm registry did not answer 'npm view $pkg versions' and nothing is cached in $CACHE" >&2
    return 1
  fi
}

# The newest published version of a package within a semver range (pre-releases excluded).
newest_in_range() {
  local versions
  versions=$(published_versions "$1") || return 1
  node -e '
    const semver = require("semver");
    const [pkg, range, versions] = process.argv.slice(1);
    const best = semver.maxSatisfying(JSON.parse(versions), range);
    if (!best) { console.error(`compat: no version of ${pkg} in ${range} on the registry`); process.exit(1); }
    console.log(best);
  ' "$1" "$2" "$versions"
}

# A hash of every input the check's result depends on, besides the target versions. levitate
# reports the uses of each package in the files that import it, so only sources naming one of
# the packages count (tests excluded: module.tsx does not reach them).
inputs_hash() {
  {
    find src -type f \( -name '*.ts' -o -name '*.tsx' \) ! -name '*.test.ts' ! -name '*.test.tsx' -print0 |
      xargs -0 grep -lZE '@grafana/(data|ui|runtime)' | sort -z | xargs -0 sha256sum
    sha256sum package-lock.json tsconfig.json .config/tsconfig.json scripts/compat.sh
    if [ -f .levignore.js ]; then sha256sum .levignore.js; fi
    node -p 'require("./node_modules/@grafana/levitate/package.json").version'
  } | sha256sum | cut -d' ' -f1
}

sources=$(inputs_hash)
status=0
for range in ${RANGES[*]}; do
  targets=()
  for pkg in "${PACKAGES[@]}"; do
    if ! version=$(newest_in_range "$pkg" "$range"); then
      status=1
      continue 2
    fi
    targets+=("$pkg@$version")
  done
  target_list=$(IFS=,; echo "${targets[*]}")
  printf '\n=== compat: %s against %s ===\n' "$ENTRY" "$target_list"
  passed="$CACHE/passed/$(printf '%s %s %s' "$sources" "$ENTRY" "$target_list" | sha256sum | cut -d' ' -f1)"
  if [ -z "${COMPAT_FRESH:-}" ] && [ -f "$passed" ]; then
    echo "compat: compatible (the same sources, lockfile and targets passed on $(cat "$passed"); COMPAT_FRESH=1 checks again)"
    continue
  fi
  log=$(mktemp)
  ok=1
  if ! TMPDIR="$CACHE/levitate" LEVITATE_CACHE=true \
    npx --no-install levitate is-compatible --path "$ENTRY" --target "$target_list" 2>&1 | tee "$log"; then
    ok=0
  fi
  if grep -qE 'Could not process the package|Skipping package' "$log"; then
    echo "compat: levitate could not check every package against $range (see above)"
    ok=0
  fi
  rm -f "$log"
  if [ "$ok" -eq 1 ]; then
    date -u +%FT%TZ >"$passed"
  else
    status=1
  fi
done

if [ "$status" -ne 0 ]; then
  echo "compat: FAILED (see above). An API missing in an older Grafana must be used behind a feature check with a fallback."
fi
exit "$status"
