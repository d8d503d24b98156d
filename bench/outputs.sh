#!/usr/bin/env bash
# Issue 5's output benchmark: the same streaming run (about 10k chunks/s)
# with no outputs and with json + influxdb, side by side. Prints CPU seconds,
# CPU per million chunks and peak RSS for each, and RSS samples over time
# for the run with outputs (flat = no growth).
# The mock runs on CPU 0, llmbench on CPU 1 (taskset), as bench/llm.sh does.
# Needs InfluxDB on LLMBENCH_TEST_INFLUXDB_URL (eval "$(.ci/services.sh)").
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/llmbench}
D0=${BASE_DURATION:-60s}; D1=${OUT_DURATION:-300s}
INFLUX=${LLMBENCH_TEST_INFLUXDB_URL:?run: eval "\$(.ci/services.sh)"}
[ -x "$BIN" ] || make build >/dev/null
tmp=$(mktemp -d)
taskset -c 0 "$BIN" mock --addr 127.0.0.1:18555 --ttft 20ms --itl 10ms --output-tokens 128 >/dev/null 2>&1 & mock=$!
trap 'kill $mock 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 0.5
run() { # $1 label, $2 duration, rest: extra flags
  local label=$1 dur=$2; shift 2
  /usr/bin/time -f '%U %S %M' -o "$tmp/time" taskset -c 1 "$BIN" run -q --gpu none -e LLM_BASE_URL=http://127.0.0.1:18555/v1 \
    -e DURATION="$dur" "$@" bench/outputs.js > "$tmp/out" & local pid=$!
  : > "$tmp/rss"
  while kill -0 $pid 2>/dev/null; do
    awk '/VmRSS/{print $2}' /proc/$(pgrep -P $pid -f 'llmbench run' || echo $pid)/status 2>/dev/null >> "$tmp/rss" || true
    sleep 10
  done
  wait $pid
  read -r u s m < "$tmp/time"
  local chunks; chunks=$(sed -n 's/.*"chunks":\([0-9.]*\).*/\1/p' "$tmp/out")
  echo "{\"run\":\"$label\",\"duration\":\"$dur\",\"cpu_s\":$(echo "$u + $s" | bc),\"chunks\":$chunks,\"cpu_us_per_chunk\":$(echo "scale=3; ($u + $s) * 1000000 / $chunks" | bc),\"peak_rss_kb\":$m,\"summary\":$(cat "$tmp/out")}"
  echo "  rss_kb every 10s: $(tr '\n' ' ' < "$tmp/rss")"
}
run none "$D0"
run json+influxdb "$D1" --out json="$tmp/samples.json.gz" --out influxdb="$INFLUX/llmbench_bench"
