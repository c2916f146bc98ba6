#!/usr/bin/env bash
# Takes docs/images/demo-trace.png: runs the demo on free ports, opens its latest complete
# order (/trace/latest: a settled trace crossing the most services) in headless Chromium,
# and stops the demo. `make demo-screenshot` runs it after building the demo.
# usage: demo-screenshot.sh DEMO_LAUNCHER OUTPUT.png [launcher flags...]
set -euo pipefail
launcher=$1 out=$2
shift 2
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "demo-screenshot: chromium is not installed (Debian: apt-get install chromium)" >&2
  exit 1
fi
run=$(mktemp -d)
"$launcher" -free-ports -run-dir "$run" "$@" >"$run/launcher.log" 2>&1 &
pid=$!
cleanup() {
  kill -INT "$pid" 2>/dev/null && wait "$pid" || true
  rm -rf "$run"
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  [ -f "$run/demo.json" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$run/launcher.log" >&2; exit 1; }
  sleep 0.5
done
[ -f "$run/demo.json" ] || { echo "demo-screenshot: the demo did not start" >&2; cat "$run/launcher.log" >&2; exit 1; }
view=$(sed -n 's/.*"view_url": "\(.*\)".*/\1/p' "$run/demo.json")
# Let orders run long enough for settled traces and the first rates.
sleep 20
trace=$(curl -s -o /dev/null -w '%{redirect_url}' "${view}trace/latest")
[ -n "$trace" ] || { echo "demo-screenshot: no complete trace at ${view}trace/latest" >&2; exit 1; }
echo "demo-screenshot: $trace"
mkdir -p "$(dirname "$out")"
"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
  --user-data-dir="$run/chromium" --window-size=1280,900 --screenshot="$out" "$trace" 2>"$run/chromium.log" \
  || { cat "$run/chromium.log" >&2; exit 1; }
echo "demo-screenshot: wrote $out ($(wc -c <"$out") bytes)"
