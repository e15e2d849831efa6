#!/usr/bin/env bash
# Translation file upkeep, after create-plugin's i18n setup (i18next.config.ts, i18next-cli).
#
#   scripts/i18n.sh extract   rewrite src/locales from the t() and <Trans> calls in src
#   scripts/i18n.sh check    fail when src/locales differs from what `extract` would write
#
# The en-US file is the code's English defaults and nothing else: `extract` rebuilds it from
# scratch so a changed default reaches it (the --sync-primary of newer i18next-cli releases,
# which need Node 22). Other languages' files keep their translations and gain/lose keys.
# `check` extracts into a temporary directory, so it never touches the working tree; it runs
# in `npm run lint`.
set -euo pipefail
cd "$(dirname "$0")/.."

primary=$(node -p "require('./src/plugin.json').languages[0]")
plugin_id=$(node -p "require('./src/plugin.json').id")

# Extracts into $1/<language>/<plugin id>.json; the CLI's progress output is shown only when
# it fails. With no keys yet the CLI writes nothing: the primary file is then `{}`, as
# create-plugin scaffolds it.
extract_into() {
  local log
  if ! log=$(I18N_LOCALES_DIR="$1" npx --no-install i18next-cli extract 2>&1); then
    echo "$log" >&2
    return 1
  fi
  local file="$1/$primary/$plugin_id.json"
  if [ ! -f "$file" ]; then
    mkdir -p "$(dirname "$file")"
    echo '{}' >"$file"
  fi
}

case "${1:-}" in
  extract)
    rm -rf "src/locales/$primary"
    extract_into src/locales
    ;;
  check)
    fresh=$(mktemp -d)
    trap 'rm -rf "$fresh"' EXIT
    # Other languages start from their committed files, as `extract` would.
    for dir in src/locales/*/; do
      if [ -d "$dir" ] && [ "$(basename "$dir")" != "$primary" ]; then cp -r "$dir" "$fresh/"; fi
    done
    extract_into "$fresh"
    if ! diff -ru src/locales "$fresh"; then
      echo "src/locales is out of date with the t() and <Trans> calls in src: run npm run i18n-extract and commit the result." >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 extract|check" >&2
    exit 2
    ;;
esac
