#!/usr/bin/env bash
# Runs the Playwright + @grafana/plugin-e2e specs against the Grafana at GRAFANA_URL
# (the docker compose stack from `npm run server` by default). Skips with one line when no
# Grafana answers, as on machines that cannot run the stack.
set -euo pipefail
cd "$(dirname "$0")/.."

GRAFANA_URL="${GRAFANA_URL:-http://localhost:3000}"
if ! curl -fsS --max-time 5 "$GRAFANA_URL/api/health" >/dev/null 2>&1; then
  echo "e2e: skipped: no Grafana answers at $GRAFANA_URL/api/health (start the stack with npm run server)"
  exit 0
fi
export GRAFANA_URL
exec npx playwright test "$@"
