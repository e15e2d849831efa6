#!/usr/bin/env bash
# Builds the plugin and starts the local stack: Grafana with Pivot, the OpenTelemetry
# Collector, Prometheus, Loki, Tempo and the demo services (docker-compose.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."

# Say everything that is missing before spending minutes on npm ci and the build.
if ! command -v docker >/dev/null 2>&1; then
  echo "npm run server: no docker command on PATH. It needs Docker Engine (or Docker Desktop) with the compose plugin: https://docs.docker.com/engine/install/" >&2
  exit 1
fi
missing=()
if ! daemon_error=$(docker info 2>&1 >/dev/null); then
  # docker info prints the client section and then why it cannot reach the server.
  reason=$(printf '%s\n' "$daemon_error" | grep -m1 -iE 'cannot connect|permission denied|error' || true)
  missing+=("the Docker daemon is not running or not reachable${reason:+ ($reason)}: start it (sudo systemctl start docker, or open Docker Desktop); permission denied means your user is not in the docker group")
fi
if ! docker compose version >/dev/null 2>&1; then
  missing+=("the compose plugin is not installed (docker compose version fails): install docker-compose-plugin (Debian/Ubuntu: apt-get install docker-compose-plugin)")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "npm run server needs Docker with the compose plugin and a running daemon; here:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
if ! why=$(node scripts/install-state.mjs .); then
  echo "Installing the plugin's dependencies ($why): npm ci"
  npm ci --no-audit --no-fund
fi
npm run build
exec docker compose up --build "$@"
