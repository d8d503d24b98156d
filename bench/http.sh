#!/usr/bin/env bash
# k6/http cost: CPU per request of llmbench (bench/http.js: 50 VUs looping
# http.get of a 2-byte local response, samples through the normal
# pipeline) against a bare Go net/http client doing the same (one
# connection per goroutine), server pinned to CPU 0 and clients to CPU 1,
# ROUNDS rounds alternating. Prints one JSON line per client and round,
# with its ratio to the bare client of the same round.
# K6=/path/to/k6 adds a k6 binary running the same script to each round.
# TOGETHER=1 runs a round's clients at the same time on the client CPU
# instead of one after the other: the machine's noise (neighbours on the
# VM, which moves sequential ratios between 1.4x and 2x minutes apart)
# then hits every client alike, so comparing two builds (BIN) this way
# is stable to a few percent. Its ratios are not the sequential ones:
# the clients also evict each other's caches, which adds about the same
# time to each request of each and so pulls the ratios towards 1.
# Usage: [K6=…] [SECS=20] [ROUNDS=2] [TOGETHER=1] bench/http.sh [quick]
#        (needs taskset, /usr/bin/time, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/llmbench}
[ -x "$BIN" ] || make build >/dev/null
go build -o bin/benchhttp ./bench/cmd/benchhttp
SECS=${SECS:-20}; ROUNDS=${ROUNDS:-2}; VUS=${VUS:-50}; K6=${K6:-}
if [ "${1:-}" = quick ]; then SECS=4; ROUNDS=1; fi
W=$(mktemp -d)
if [ "$(nproc)" -ge 2 ]; then SRV="taskset -c 0"; CLI="taskset -c 1"; else SRV=""; CLI=""; fi
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3); server: ${SRV:-unpinned}, clients: ${CLI:-unpinned}"
$SRV bin/benchhttp serve 127.0.0.1:0 >"$W/srv.out" 2>&1 & SP=$!
trap 'kill $SP 2>/dev/null; rm -rf "$W"' EXIT
for _ in $(seq 100); do grep -q serving "$W/srv.out" && break; sleep 0.05; done
URL=$(grep -o 'http://[^ ]*' "$W/srv.out")/

# ticks: "total steal" jiffies of all CPUs, read around each client: the
# hypervisor's share of the machine (steal_pct) says how noisy a round was.
ticks() { awk '/^cpu /{t=0; for (i=2; i<=NF; i++) t+=$i; print t, $9}' /proc/stat; }
timed() {
  local out=$1; shift; local t0; t0=$(ticks)
  $CLI /usr/bin/time -f '%U %S %M' -o "$out.time" "$@" >"$out" 2>"$out.err"
  echo "$t0 $(ticks)" | awk '{d = $3 - $1; printf "%.1f", (d > 0) ? 100 * ($4 - $2) / d : 0}' >"$out.steal"
}
BARE_US=0
report() { # client round requests out
  awk -v c="$1" -v r="$2" -v n="$3" -v bare="$BARE_US" -v steal="$(cat "$4.steal")" '{cpu=$1+$2; us=cpu*1e6/n; x=(bare>0)?us/bare:1; printf "{\"client\":\"%s\",\"round\":%d,\"vus\":%d,\"requests\":%d,\"cpu_s\":%.2f,\"cpu_us_per_req\":%.2f,\"x_bare\":%.2f,\"req_per_s\":%.0f,\"max_rss_mb\":%.1f,\"steal_pct\":%s}\n", c, r, '"$VUS"', n, cpu, us, x, n/'"$SECS"', $3/1024, steal}' "$4.time"
}
reqs() { python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["metrics"]["http_reqs"]["count"]))' "$1"; }
for r in $(seq "$ROUNDS"); do
  BARE_US=0
  if [ -n "${TOGETHER:-}" ]; then
    timed "$W/bare" bin/benchhttp bare "$URL" "$VUS" "$SECS" &
    timed "$W/llmbench" "$BIN" run -q --gpu none --summary-export "$W/sum.json" -e URL="$URL" -e VUS="$VUS" -e DURATION="${SECS}s" bench/http.js &
    if [ -n "$K6" ]; then
      timed "$W/k6" "$K6" run -q --summary-export "$W/k6sum.json" -e URL="$URL" -e VUS="$VUS" -e DURATION="${SECS}s" bench/http.js &
    fi
    wait
  else
    timed "$W/bare" bin/benchhttp bare "$URL" "$VUS" "$SECS"
  fi
  n=$(grep -o '"requests":[0-9]*' "$W/bare" | cut -d: -f2)
  report bare "$r" "$n" "$W/bare"
  BARE_US=$(awk -v n="$n" '{printf "%.4f", ($1+$2)*1e6/n}' "$W/bare.time")
  [ -n "${TOGETHER:-}" ] || timed "$W/llmbench" "$BIN" run -q --gpu none --summary-export "$W/sum.json" -e URL="$URL" -e VUS="$VUS" -e DURATION="${SECS}s" bench/http.js
  report llmbench "$r" "$(reqs "$W/sum.json")" "$W/llmbench"
  if [ -n "$K6" ]; then
    [ -n "${TOGETHER:-}" ] || timed "$W/k6" "$K6" run -q --summary-export "$W/k6sum.json" -e URL="$URL" -e VUS="$VUS" -e DURATION="${SECS}s" bench/http.js
    report k6 "$r" "$(reqs "$W/k6sum.json")" "$W/k6"
  fi
done | tee "$W/rounds"
# The last line sums the rounds up: per client, the lowest and the median
# ratio to the bare client (the machine's noise moves every round; the
# lowest is the least disturbed).
python3 - "$W/rounds" <<'PY'
import json, statistics, sys
by = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["client"] != "bare":
        by.setdefault(d["client"], []).append(d["x_bare"])
print(json.dumps({"summary": {c: {"rounds": len(x), "min_x_bare": min(x), "median_x_bare": round(statistics.median(x), 2)} for c, x in by.items()}}))
PY
