#!/usr/bin/env bash
# Runs the Playwright + @grafana/plugin-e2e specs against the Grafana at GRAFANA_URL
# (the docker compose stack from `npm run server` by default). Skips with one line when no
# Grafana answers, as on machines that cannot run the stack, with the number of tests skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

GRAFANA_URL="${GRAFANA_URL:-http://localhost:3000}"
# How many tests the specs hold, so that a skip counts them (npm test's closing line).
count_tests() {
  local listed
  if listed=$(npx --no-install playwright test --list 2>/dev/null | grep -cE '› [^ ]+\.spec\.ts:[0-9]+'); then
    echo "$listed"
  else
    cat tests/*.spec.ts | grep -cE '^\s*test(\.(only|fixme|fail|slow))?\(' || true
  fi
}

if ! curl -fsS --max-time 5 "$GRAFANA_URL/api/health" >/dev/null 2>&1; then
  files=$(find tests -name '*.spec.ts' | wc -l)
  echo "e2e: skipped: $(count_tests) e2e tests in $files spec files: no Grafana answers at $GRAFANA_URL/api/health (start the stack with npm run server)"
  exit 0
fi
export GRAFANA_URL
exec npx playwright test "$@"
