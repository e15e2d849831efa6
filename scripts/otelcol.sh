#!/usr/bin/env bash
# Builds Pivot's OpenTelemetry Collector (stack/otel-collector/builder-config.yaml) with the
# official builder, from Go modules, and prints the binary's path on stdout (progress goes to
# stderr). The binary is cached by the builder config's hash outside the repository,
#   ${XDG_CACHE_HOME:-~/.cache}/pivot/otelcol/<hash>/otelcol-pivot
# so it is rebuilt only when that file changes; src/testing/otelcol.ts finds it at the same
# path. A cold build downloads the modules through the Go module proxy and compiles for
# minutes; a cached one answers at once. Needs Go (https://go.dev/dl/) for a cold build only.
#
#   scripts/otelcol.sh          build when missing, print the path
#   scripts/otelcol.sh --path   print the cache path for the current config, build nothing
set -euo pipefail
cd "$(dirname "$0")/.."

BUILDER_VERSION=v0.159.0
CONFIG=stack/otel-collector/builder-config.yaml
# The first 16 hex digits of the config's SHA-256 (src/testing/otelcol.ts computes the same).
hash=$(sha256sum "$CONFIG" | cut -c1-16)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/pivot/otelcol"
dir="$cache_root/$hash"
binary="$dir/otelcol-pivot"

if [ "${1:-}" = --path ]; then
  echo "$binary"
  exit 0
fi

if [ -x "$binary" ] && "$binary" --version >/dev/null 2>&1; then
  echo "$binary"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "scripts/otelcol.sh: building the Collector needs Go on PATH (https://go.dev/dl/), then it downloads the modules through the Go module proxy; or set OTELCOL_BIN to a Collector that has the components in $CONFIG." >&2
  exit 1
fi

mkdir -p "$cache_root"
# One build at a time per config (two test runs or a test run and npm run server).
exec 9>"$cache_root/$hash.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
if [ -x "$binary" ] && "$binary" --version >/dev/null 2>&1; then
  echo "$binary"
  exit 0
fi

# The checksum database behind the Go module proxy has no entry for this one module at this
# release (its lookup answers 404, so `go` refuses the module); every other module is still
# verified against it. Remove the line when a lookup of
#   https://proxy.golang.org/sumdb/sum.golang.org/lookup/<module>@<version>
# answers for it.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/open-telemetry/opentelemetry-collector-contrib/connector/servicegraphconnector"

work=$(mktemp -d "$cache_root/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
echo "scripts/otelcol.sh: building Pivot's Collector from $CONFIG (hash $hash); the first build takes minutes" >&2
builder="$cache_root/builder-$BUILDER_VERSION/builder"
if ! [ -x "$builder" ]; then
  echo "go install go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
  GOBIN="$cache_root/builder-$BUILDER_VERSION" go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
fi
# The config's output_path is relative: run the builder in the work folder.
cp "$CONFIG" "$work/builder-config.yaml"
(cd "$work" && "$builder" --config builder-config.yaml) >&2
mkdir -p "$dir"
mv "$work/otelcol-pivot/otelcol-pivot" "$binary.tmp"
mv "$binary.tmp" "$binary"
echo "scripts/otelcol.sh: built in $(($(date +%s) - start)) s: $binary" >&2
echo "$binary"
