#!/usr/bin/env bash
# Soak: VUS (100) streaming VUs against the mock for DURATION (10m), RSS of
# llmbench sampled every 30 s: flat means memory does not grow with test length.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/llmbench}
DURATION=${DURATION:-600s}
[ -x "$BIN" ] || make build >/dev/null
"$BIN" mock --addr 127.0.0.1:18557 --ttft 20ms --itl 10ms --output-tokens 128 >/dev/null 2>&1 & mock=$!
trap 'kill $mock 2>/dev/null' EXIT
sleep 0.5
"$BIN" run -q --gpu none -e LLM_BASE_URL=http://127.0.0.1:18557/v1 -e VUS="${VUS:-100}" -e DURATION="$DURATION" bench/outputs.js & pid=$!
printf 'rss_kb every 30s:'
while kill -0 $pid 2>/dev/null; do
  printf ' %s' "$(awk '/VmRSS/{print $2}' /proc/$pid/status 2>/dev/null || echo -)"
  sleep 30
done
echo
wait $pid
