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
step "unit and integration tests"
npx jest --ci --maxWorkers 2
step "demo services (real processes, in-memory exporters, a real Prometheus)"
# The demo is its own package (it ships as its own image): install it on first use.
[ -d demo/node_modules ] || npm ci --prefix demo --no-audit --no-fund
npm --prefix demo test
step "production build"
npm run --silent build
step "bundle budget"
node scripts/bundle-size.mjs
step "Grafana API compatibility (levitate: 11.6.x and newest 12.x)"
npm run --silent compat
step "end-to-end (Playwright, against GRAFANA_URL)"
bash scripts/e2e.sh
