#!/bin/sh
# trace-viewer-check.sh TRACE [ENGINE_DIR] - optional: opens a glrt trace
# headless in Chrome DevTools' trace engine (scripts/trace-viewer-check.mjs
# says what is checked). A binary trace is converted to JSON first
# (glc-trace.py json). Skipped, exit 0, when node or npm is absent. The
# engine is installed once with npm into ENGINE_DIR (default
# build/trace-engine), pinned to the version below.
set -e
trace=$1
dir=${2:-build/trace-engine}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$trace" ]; then
  echo "usage: $0 TRACE [ENGINE_DIR]" >&2
  exit 2
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "viewer: skipped (node or npm not installed)"
  exit 0
fi
if [ ! -f "$dir/node_modules/@paulirish/trace_engine/analyze-trace.mjs" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --silent @paulirish/trace_engine@0.0.65 >&2 || {
    echo "viewer: skipped (npm could not install @paulirish/trace_engine)"
    exit 0
  }
fi
case "$trace" in
*.json) json=$trace ;;
*)
  json=$(mktemp /tmp/glrt-viewer-XXXXXX.json)
  trap 'rm -f "$json"' EXIT
  python3 "$here/glc-trace.py" json "$trace" -o "$json" >/dev/null
  ;;
esac
node "$here/trace-viewer-check.mjs" "$dir" "$json"
