#!/usr/bin/env bash
# The first run (`make demo`): start the built-in mock on a free 127.0.0.1
# port, run scenarios/medium-load.js against it for DEMO_DURATION (30s),
# print the summary and keep the results under DEMO_RESULTS (results/).
# The mock is stopped however the script ends.
set -euo pipefail

BIN=${BIN:-bin/llmbench}
DURATION=${DEMO_DURATION:-30s}
RESULTS=${DEMO_RESULTS:-results}

log=$(mktemp)
"$BIN" mock --addr 127.0.0.1:0 --ttft 40ms --itl 8ms --output-tokens 64 --output-tokens-stddev 16 >"$log" 2>&1 &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true; rm -f "$log"' EXIT

# The mock prints "llmbench mock serving http://127.0.0.1:PORT/v1 …" once it listens.
url=
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/v1' "$log" | head -n 1 || true)
  [ -n "$url" ] && break
  kill -0 "$mock" 2>/dev/null || { cat "$log" >&2; echo "demo: the mock did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$log" >&2; echo "demo: the mock did not report its address" >&2; exit 1; }
echo "demo: mock server at $url; running scenarios/medium-load.js for $DURATION"

"$BIN" run --results "$RESULTS" -e LLM_BASE_URL="$url" -e LLM_MODEL=mock-model \
  -e DURATION="$DURATION" scenarios/medium-load.js
