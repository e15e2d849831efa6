#!/usr/bin/env bash
# Builds the plugin and starts the local stack: Grafana with Pivot, the OpenTelemetry
# Collector, Prometheus, Loki, Tempo and the demo services (docker-compose.yaml). Without a
# usable Docker it says what Docker lacks, then runs the same stack as native processes on
# 127.0.0.1 from what is on this machine (scripts/native-stack.ts, docs/local-stack.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# Without Docker: the native stack. It needs Node (the demo services and the supervisor).
native() {
  echo "npm run server: running the stack as native processes on 127.0.0.1 instead (docs/local-stack.md#without-docker)." >&2
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "npm run server: the native stack needs Node.js 20 or newer with npm on PATH: https://nodejs.org/en/download" >&2
    exit 1
  fi
  if ! why=$(node scripts/install-state.mjs .); then
    echo "Installing the plugin's dependencies ($why): npm ci"
    npm ci --no-audit --no-fund
  fi
  if ! why=$(node scripts/install-state.mjs demo); then
    echo "Installing the demo services' dependencies ($why): npm ci --prefix demo"
    npm ci --prefix demo --no-audit --no-fund
  fi
  # Grafana loads the plugin from dist/: build it only when there is a Grafana to load it.
  if [ -n "${GRAFANA_BIN:-}" ] || command -v grafana >/dev/null 2>&1 || command -v grafana-server >/dev/null 2>&1; then
    npm run build
  fi
  exec npx --no-install tsx scripts/native-stack.ts "$@"
}

# Say everything that is missing before spending minutes on npm ci and the build.
if ! command -v docker >/dev/null 2>&1; then
  echo "npm run server: no docker command on PATH. It needs Docker Engine (or Docker Desktop) with the compose plugin: https://docs.docker.com/engine/install/" >&2
  native "$@"
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
  native "$@"
fi
if ! why=$(node scripts/install-state.mjs .); then
  echo "Installing the plugin's dependencies ($why): npm ci"
  npm ci --no-audit --no-fund
fi
npm run build
exec docker compose up --build "$@"
