#!/usr/bin/env bash
# Builds the plugin and starts the local stack: Grafana with Pivot, the OpenTelemetry
# Collector, Prometheus, Loki, Tempo and the demo services (docker-compose.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! docker compose version >/dev/null 2>&1; then
  echo "npm run server needs Docker with the compose plugin (docker compose). Install Docker Engine or Docker Desktop, then run it again." >&2
  exit 1
fi
[ -d node_modules ] || npm ci
npm run build
exec docker compose up --build "$@"
