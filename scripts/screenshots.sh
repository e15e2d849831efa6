#!/usr/bin/env bash
# Redraws the screenshots plugin.json lists (src/img/*.png): renders Pivot's pages with the demo
# shop's numbers in jsdom (scripts/screenshots/pages.screens.tsx, the page tests' fake Grafana),
# then photographs each with headless Chromium (Debian package `chromium`). Run on demand, not
# part of `npm test`: `bash scripts/screenshots.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${CHROMIUM_PATH:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$CHROMIUM" ]; then
  echo "screenshots: no Chromium found; install it (apt-get install -y chromium) or set CHROMIUM_PATH" >&2
  exit 2
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
PIVOT_SCREENS_DIR="$out" npx jest --ci --testMatch '<rootDir>/scripts/screenshots/*.screens.tsx'

# page and height: the Trace page stops above its waterfall, a Grafana core panel that jsdom
# cannot draw (its summary and critical path are Pivot's own).
for shot in services:560 slos:560 trace:430; do
  page="${shot%%:*}"
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size="1280,${shot##*:}" --screenshot="$PWD/src/img/screenshot-$page.png" "file://$out/$page.html" 2>/dev/null
  echo "src/img/screenshot-$page.png: $(wc -c < "src/img/screenshot-$page.png") bytes"
done
