#!/usr/bin/env bash
# Every check a change must pass: types, lint, unit and integration tests, the production
# build and its size budget, and the Grafana API compatibility check.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$1"; }

step typecheck
npm run --silent typecheck
step lint
npm run --silent lint
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

step "unit and integration tests"
npx jest --ci --maxWorkers 2 --json --outputFile="$results/jest.json"
step "demo services (real processes, in-memory exporters, a real Prometheus)"
# The demo is its own package (it ships as its own image): install it on first use.
[ -d demo/node_modules ] || npm ci --prefix demo --no-audit --no-fund
npm --prefix demo test 2>&1 | tee "$results/demo.tap"
step "production build"
npm run --silent build
step "bundle budget"
node scripts/bundle-size.mjs
step "Grafana API compatibility (levitate: 11.6.x and newest 12.x)"
npm run --silent compat
step "end-to-end (Playwright, against GRAFANA_URL)"
bash scripts/e2e.sh

# One closing line for every test counted above (jest and the demo's node:test runner).
node -e '
  const fs = require("fs");
  const jest = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const tap = fs.readFileSync(process.argv[2], "utf8");
  const count = (key) => Number((tap.match(new RegExp("^# " + key + " (\\d+)$", "m")) || [])[1] || 0);
  const passed = jest.numPassedTests + count("pass");
  const failed = jest.numFailedTests + count("fail");
  const skipped = jest.numPendingTests + count("skipped");
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/jest.json" "$results/demo.tap"
