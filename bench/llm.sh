#!/usr/bin/env bash
# LLM fidelity and generator-cost benchmarks: the figures of the "LLM
# fidelity" section of docs/benchmarks.md. Each case starts `llmbench mock`
# pinned to one core and runs the clients pinned to another, one after the
# other on the same load, and prints one JSON line.
#   cost:     CPU per streamed chunk and peak RSS, llmbench vs the bare Go
#             client (bench/cmd/benchllm), 50 and 500 streams, 128 tokens,
#             TTFT 20ms, ITL 2ms
#   sse:      CPU per streamed chunk of k6/x/sse (bench/llm/sse.js, plain
#             and with JSON.parse per chunk) beside k6/x/llm and the bare
#             client, 50 streams, 128 tokens, TTFT 20ms, ITL 2ms
#   ttft:     first-token error joined on request id (mock log vs client):
#             50/200/1000 streams at ITL 20ms and 200 at ITL 2ms; bare,
#             llmbench (kernel receive stamps) and llmbench timestamps=user;
#             server and client share both cores unless TTFT_PIN=1
#   arrival:  constant-arrival-rate 100 and 1000 req/s: achieved vs target
#   memory:   peak RSS at 1k VUs streaming
# Usage: bench/llm.sh [quick] [cost|sse|ttft|arrival|memory]...  (needs taskset,
# /usr/bin/time, jq; QUICK shortens every case)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/llmbench}
BL=bin/benchllm
[ -x "$BIN" ] || make build >/dev/null
go build -o "$BL" ./bench/cmd/benchllm
R=20; S=20; ROUNDS=2; R_TTFT=10
if [ "${1:-}" = quick ]; then R=4; S=5; ROUNDS=1; R_TTFT=2; shift; fi
CASES=${*:-cost ttft arrival memory}
W=$(mktemp -d); trap 'stop_mock; rm -rf "$W"' EXIT

# Server on CPU 0, clients on CPU 1 (no pinning on a 1-core machine).
if [ "$(nproc)" -ge 2 ]; then SRV="taskset -c 0"; CLI="taskset -c 1"; else SRV=""; CLI=""; fi
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3); server: ${SRV:-unpinned}, clients: ${CLI:-unpinned}"

MOCK=""
start_mock() { start_mock_on "$SRV" "$@"; }
start_mock_on() { # PIN, then mock flags; sets URL
  local pin=$1; shift
  : >"$W/mock.out"
  $pin "$BIN" mock --addr 127.0.0.1:0 --log "$W/mock.log" "$@" >"$W/mock.out" 2>&1 & MOCK=$!
  for _ in $(seq 100); do grep -q serving "$W/mock.out" && break; sleep 0.05; done
  URL=$(grep -o 'http://[^ ]*' "$W/mock.out")
}
stop_mock() { if [ -n "$MOCK" ]; then kill "$MOCK" 2>/dev/null || true; wait "$MOCK" 2>/dev/null || true; MOCK=""; fi; }

# timed OUT CMD...: runs CMD pinned to the client core; stdout to OUT,
# stderr to OUT.err, "user sys maxrss_kb" to OUT.time.
timed() { local out=$1; shift; $CLI /usr/bin/time -f '%U %S %M' -o "$out.time" "$@" >"$out" 2>"$out.err"; }
cpu_s() { awk '{printf "%.3f", $1 + $2}' "$1.time"; }
rss_kb() { awk '{print $3}' "$1.time"; }
load() { cut -d' ' -f1 /proc/loadavg; }  # other work on the machine skews every timing
# cpu_ticks: "total steal" jiffies of all CPUs; steal_pct A B: the share of
# CPU time the hypervisor took between two readings (a VM's vCPUs can stall
# for milliseconds at a time, which no client can measure around).
cpu_ticks() { awk '/^cpu /{t=0; for (i=2; i<=NF; i++) t+=$i; print t, $9}' /proc/stat; }
steal_pct() { echo "$1 $2" | awk '{d = $3 - $1; s = (d > 0) ? 100 * ($4 - $2) / d : 0; printf "%.1f", s}'; }

# cost: ROUNDS alternations of bare then llmbench on one mock; CPU (user +
# sys of the whole process, llmbench's VU initialisation included; "run" is
# llmbench's own self-health CPU from the test start) summed over rounds,
# peak RSS the largest.
case_cost() {
  for n in 50 500; do
    local l0; l0=$(load)
    start_mock --ttft 20ms --itl 2ms --output-tokens 128
    : >"$W/cost"
    for _ in $(seq $ROUNDS); do
      timed "$W/bare" "$BL" bare -url "$URL" -streams $n -requests $R
      timed "$W/llm" "$BIN" run -q -e LLM_BASE_URL="$URL" -e STREAMS=$n -e REQUESTS=$R bench/llm/stream.js
      jq -c -n --slurpfile b "$W/bare" --slurpfile l "$W/llm" \
        --argjson bcpu "$(cpu_s "$W/bare")" --argjson lcpu "$(cpu_s "$W/llm")" \
        --argjson brss "$(rss_kb "$W/bare")" --argjson lrss "$(rss_kb "$W/llm")" \
        '{bc: $b[0].chunks, lc: $l[0].chunks, failed: ($b[0].failed + $l[0].failed), $bcpu, $lcpu, lrun: $l[0].self.cpu_seconds, $brss, $lrss}' >>"$W/cost"
    done
    stop_mock
    jq -c -s --arg load "$l0 $(load)" '
      (map(.bc) | add) as $bc | (map(.lc) | add) as $lc | (map(.bcpu) | add) as $bcpu | (map(.lcpu) | add) as $lcpu |
      (map(.lrun) | add) as $lrun | (map(.brss) | max) as $brss | (map(.lrss) | max) as $lrss |
      def r2: . * 100 | round / 100;
      {case: "cost", streams: '$n', requests_per_stream: '$R', rounds: length, chunks: $lc, failed: (map(.failed) | add),
       bare_us_per_chunk: ($bcpu * 1e6 / $bc | r2), llmbench_us_per_chunk: ($lcpu * 1e6 / $lc | r2),
       llmbench_run_us_per_chunk: ($lrun * 1e6 / $lc | r2),
       cpu_ratio: (($lcpu / $lc) / ($bcpu / $bc) | r2), run_cpu_ratio: (($lrun / $lc) / ($bcpu / $bc) | r2),
       bare_rss_mb: ($brss / 1024 | round), llmbench_rss_mb: ($lrss / 1024 | round), rss_ratio: ($lrss / $brss | r2),
       load: $load}' "$W/cost"
  done
}

# sse: ROUNDS alternations of bare, k6/x/llm, k6/x/sse and k6/x/sse with
# JSON.parse per chunk on one mock; CPU per token chunk of each (whole
# process) and its ratio to the bare client's.
case_sse() {
  local n=${SSE_STREAMS:-50} l0; l0=$(load)
  start_mock --ttft 20ms --itl 2ms --output-tokens 128
  : >"$W/sse"
  for _ in $(seq $ROUNDS); do
    timed "$W/bare" "$BL" bare -url "$URL" -streams $n -requests $R
    timed "$W/llm" "$BIN" run -q -e LLM_BASE_URL="$URL" -e STREAMS=$n -e REQUESTS=$R bench/llm/stream.js
    timed "$W/sse1" "$BIN" run -q -e LLM_BASE_URL="$URL" -e STREAMS=$n -e REQUESTS=$R bench/llm/sse.js
    timed "$W/sse2" "$BIN" run -q -e LLM_BASE_URL="$URL" -e STREAMS=$n -e REQUESTS=$R -e PARSE=1 bench/llm/sse.js
    jq -c -n --slurpfile b "$W/bare" --slurpfile l "$W/llm" --slurpfile s "$W/sse1" --slurpfile p "$W/sse2" \
      --argjson bcpu "$(cpu_s "$W/bare")" --argjson lcpu "$(cpu_s "$W/llm")" --argjson scpu "$(cpu_s "$W/sse1")" --argjson pcpu "$(cpu_s "$W/sse2")" \
      '{bc: $b[0].chunks, lc: $l[0].chunks, sc: $s[0].chunks, pc: $p[0].chunks, failed: ($b[0].failed + $l[0].failed + $s[0].failed + $p[0].failed), $bcpu, $lcpu, $scpu, $pcpu}' >>"$W/sse"
  done
  stop_mock
  jq -c -s --arg load "$l0 $(load)" '
    def r2: . * 100 | round / 100;
    def per(c; n): (map(c) | add) * 1e6 / (map(n) | add) | r2;
    per(.bcpu; .bc) as $b | per(.lcpu; .lc) as $l | per(.scpu; .sc) as $s | per(.pcpu; .pc) as $p |
    {case: "sse", streams: '$n', requests_per_stream: '$R', rounds: length, chunks: (map(.sc) | add), failed: (map(.failed) | add),
     bare_us_per_chunk: $b, llm_us_per_chunk: $l, sse_us_per_chunk: $s, sse_parse_us_per_chunk: $p,
     llm_ratio: ($l / $b | r2), sse_ratio: ($s / $b | r2), sse_parse_ratio: ($p / $b | r2), load: $load}' "$W/sse"
}

case_ttft() {
  local srv="" cli="" placement="shared"
  if [ "${TTFT_PIN:-0}" = 1 ]; then srv=$SRV; cli=$CLI; placement="pinned"; fi
  for load in ${TTFT_LOADS:-50:20ms 200:20ms 1000:20ms 200:2ms}; do
    local n=${load%%:*} itl=${load#*:} r=${TTFT_REQUESTS:-$R_TTFT} l0 t0; l0=$(load); t0=$(cpu_ticks)
    [ "$itl" = 2ms ] && r=$((r * 2))  # about as long a run as 20ms
    start_mock_on "$srv" --ttft 20ms --itl "$itl" --output-tokens 128
    # TTFT_LLMBENCH_ONLY=1 runs only llmbench (kernel stamps): the repeat
    # runs of the tail goal; the other clients then report nulls.
    local b='null' u='null'
    if [ "${TTFT_LLMBENCH_ONLY:-0}" != 1 ]; then
      $cli "$BL" bare -url "$URL" -streams "$n" -requests "$r" -ttft-log "$W/bare.ttft" >/dev/null
    fi
    $cli "$BIN" run -q -e LLM_BASE_URL="$URL" -e STREAMS="$n" -e REQUESTS="$r" -e TTFT_LOG=1 bench/llm/stream.js >"$W/llm" 2>"$W/llm.err"
    if [ "${TTFT_LLMBENCH_ONLY:-0}" != 1 ]; then
      $cli "$BIN" run -q -e LLM_BASE_URL="$URL" -e STREAMS="$n" -e REQUESTS="$r" -e TTFT_LOG=1 -e TIMESTAMPS=user bench/llm/stream.js >"$W/llmu" 2>"$W/llmu.err"
    fi
    stop_mock
    if [ "${TTFT_LLMBENCH_ONLY:-0}" != 1 ]; then
      b=$("$BL" join -mock "$W/mock.log" -client "$W/bare.ttft" -label bare)
      u=$("$BL" join -mock "$W/mock.log" -client "$W/llmu.err" -label llmbench-user)
    fi
    l=$("$BL" join -mock "$W/mock.log" -client "$W/llm.err" -label llmbench)
    jq -c -n --argjson b "$b" --argjson l "$l" --argjson u "$u" --slurpfile ls "$W/llm" --arg load "$l0 $(load)" --argjson steal "$(steal_pct "$t0" "$(cpu_ticks)")" \
      '{case: "ttft_error", streams: '"$n"', itl: "'"$itl"'", requests_per_stream: '"$r"', placement: "'"$placement"'",
        bare: ($b | if . then del(.label) else . end), llmbench: ($l | del(.label)), llmbench_user_clock: ($u | if . then del(.label) else . end),
        llmbench_self: ($ls[0].self | {cpu_cores: (.cpu_cores * 100 | round / 100), gc_cycles, sched_p99_ms: .sched_latency.p99_ms, cpu_steal, saturated}), load: $load, steal_pct: $steal}'
  done
}

case_arrival() {
  for rate in 100 1000; do
    local l0; l0=$(load)
    floor=$($CLI "$BL" pace -rate $rate -seconds $S)
    start_mock --ttft 20ms --itl 2ms --output-tokens 16
    timed "$W/arr" "$BIN" run -q -e LLM_BASE_URL="$URL" -e RATE=$rate -e SECONDS=$S bench/llm/arrival.js
    stop_mock
    jq -c --argjson floor "$floor" --arg load "$l0 $(load)" '{case: "arrival"} + . + {timer_floor: ($floor | del(.client, .target_rps)), load: $load}' "$W/arr"
  done
}

case_memory() {
  for v in 1 1000; do
    # 1k VUs streaming 128 tokens every 50ms (a load the one server core sustains).
    start_mock --ttft 20ms --itl 50ms --output-tokens 128
    timed "$W/mem" "$BIN" run -q -e LLM_BASE_URL="$URL" -e STREAMS=$v -e REQUESTS=2 bench/llm/stream.js
    stop_mock
    jq -c --argjson rss "$(rss_kb "$W/mem")" '{case: "memory", vus: .streams, requests: .requests, failed: .failed,
      peak_rss_mb: ($rss / 1024 | round), gc_pause_total_ms: (.self.gc_pause_total_ms | round)}' "$W/mem"
  done
}

for c in $CASES; do "case_$c"; done
