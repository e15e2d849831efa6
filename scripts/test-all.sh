#!/usr/bin/env bash
# Every check a change must pass: types, lint, unit and integration tests, the demo services'
# tests, the production build and its size budget, the Grafana API compatibility check and the
# end-to-end specs. It is the README's second command, so in a fresh clone it first installs
# what is missing (and says so). Every step runs even when an earlier one fails; the closing
# lines (scripts/test-summary.ts) count every test and spec, name each failure and each skipped
# group with its reason, and the exit status is non-zero when anything failed.
#
# TEST_ALL_STEPS restricts the run to some steps (space-separated names from the list below),
# e.g. TEST_ALL_STEPS="lint jest" npm test; JEST_ARGS passes arguments to jest (test paths).
set -uo pipefail
cd "$(dirname "$0")/.."

ALL_STEPS="typecheck lint jest demo build bundle compat e2e"
STEPS="${TEST_ALL_STEPS:-$ALL_STEPS}"
for name in $STEPS; do
  if [[ " $ALL_STEPS " != *" $name "* ]]; then
    echo "npm test: TEST_ALL_STEPS names no step \"$name\"; the steps are: $ALL_STEPS" >&2
    exit 2
  fi
done
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# `npm ci` in <dir> when its node_modules is missing or differs from its package-lock.json.
install_if_needed() {
  local dir="$1" why
  if why=$(node scripts/install-state.mjs "$dir"); then
    return 0
  fi
  if [ "$dir" = . ]; then
    printf "\n=== installing the plugin's npm dependencies: %s ===\n" "$why"
  else
    printf '\n=== installing the npm dependencies of %s/: %s ===\n' "$dir" "$why"
  fi
  echo "npm ci --prefix $dir --no-audit --no-fund"
  npm ci --prefix "$dir" --no-audit --no-fund
}

wanted() {
  [[ " $STEPS " == *" $1 "* ]]
}

# step <kind> <name> <report file or ""> <command…>: runs the command, records its exit status.
step() {
  local kind="$1" name="$2" report="$3"
  shift 3
  printf '\n=== %s ===\n' "$name"
  "$@"
  local code=$?
  printf '%s\t%s\t%s\t%s\n' "$kind" "$name" "$code" "$report" >>"$results/steps.tsv"
}

if ! install_if_needed .; then
  echo "npm test: installing the plugin's dependencies failed (see above); nothing can run without them." >&2
  exit 1
fi
: >"$results/steps.tsv"

wanted typecheck && step check typecheck "" npm run --silent typecheck
wanted lint && step check lint "" npm run --silent lint
# --json feeds the summary; jest still prints its usual report on stderr.
# shellcheck disable=SC2086 # JEST_ARGS is a list of arguments
wanted jest && step jest "unit and integration tests (jest)" jest.json \
  npx jest --ci --maxWorkers 2 --json --outputFile="$results/jest.json" ${JEST_ARGS:-}

demo_tests() {
  # The demo is its own package (it ships as its own image).
  install_if_needed demo || return 1
  # Piped, node:test prints TAP, which the summary reads.
  npm --prefix demo test 2>&1 | tee "$results/demo.tap"
}
wanted demo && step tap "demo services (real processes, in-memory exporters, a real Prometheus)" demo.tap demo_tests

wanted build && step check "production build" "" npm run --silent build
wanted bundle && step check "bundle budget" "" node scripts/bundle-size.mjs
wanted compat && step check "Grafana API compatibility (levitate: 11.6.x and newest 12.x)" "" npm run --silent compat

e2e() {
  PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" bash scripts/e2e.sh --reporter=list,json | tee "$results/e2e.log"
  local code=${PIPESTATUS[0]}
  # A run leaves Playwright's JSON report; a skip leaves only the log's `e2e: skipped:` line.
  [ -s "$results/e2e.json" ] || cp "$results/e2e.log" "$results/e2e.json"
  return "$code"
}
wanted e2e && step e2e "end-to-end (Playwright, against GRAFANA_URL)" e2e.json e2e

npx --no-install tsx scripts/test-summary.ts "$results"
