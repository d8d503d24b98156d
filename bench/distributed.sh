#!/usr/bin/env bash
# Distributed-run benchmark (docs/benchmarks.md, "Distributed runs"): the
# k6-operator's flow on one machine. `llmbench mock` is pinned to CPU 0 and
# N runners (default 4) to CPU 1, each started as the operator starts them
# (k6 argv, segments i/N, --paused, REST API), un-paused one after another
# with the starter's PATCH; together they run bench/llm/arrival.js at RATE
# (default 1000) requests/s for DURATION_S seconds (default 60).
# Prints one JSON line: achieved total rate vs target, dropped iterations,
# the instances' start skew and schedule lag (their arrivals interleave as
# the single-run schedule up to skew + lag; the achieved rate is measured
# from the actual iteration starts of all runners), and llmbench merge's
# wall time and peak RSS over the runners' JSON outputs (MERGE_GB=G: also
# over N files of G GB). Needs taskset, curl,
# /usr/bin/time, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-4}; RATE=${RATE:-1000}; SECONDS_=${DURATION_S:-60}; PORT=${PORT:-18400}
make build >/dev/null
W=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$W"' EXIT
mkdir -p "$W/bin"; ln -s "$PWD/bin/llmbench" "$W/bin/k6"; ln -s "$PWD/bin/llmbench" "$W/bin/llmbench"; export PATH="$W/bin:$PATH"
if [ "$(nproc)" -ge 2 ]; then SRV="taskset -c 0"; CLI="taskset -c 1"; else SRV=""; CLI=""; fi
$SRV llmbench mock --addr 127.0.0.1:$PORT --output-tokens 4 >/dev/null &
seq=0; for i in $(seq 1 $((N-1))); do seq="$seq,$i/$N"; done; seq="$seq,1"
pids=()
for i in $(seq 1 "$N"); do
  from=$([ "$i" = 1 ] && echo 0 || echo "$((i-1))/$N"); to=$([ "$i" = "$N" ] && echo 1 || echo "$i/$N")
  $CLI k6 run --quiet --execution-segment="$from:$to" --execution-segment-sequence="$seq" \
    -e LLM_BASE_URL=http://127.0.0.1:$PORT/v1 -e RATE="$RATE" -e SECONDS="$SECONDS_" -e VUS=200 -e MAX_TOKENS=4 \
    --out json="$W/runner-$i.json" --summary-export "$W/summary-$i.json" bench/llm/arrival.js \
    --address=127.0.0.1:$((PORT+i)) --paused --tag instance_id="$i" --tag testrun_name=bench >"$W/out-$i.txt" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 "$N"); do
  until curl -sf "http://127.0.0.1:$((PORT+i))/v1/status" | grep -q '"status":4'; do sleep 0.1; done
done
for i in $(seq 1 "$N"); do
  curl -s -X PATCH -H 'Content-Type: application/json' "http://127.0.0.1:$((PORT+i))/v1/status" \
    -d '{"data":{"attributes":{"paused":false,"stopped":false},"id":"default","type":"status"}}' >/dev/null
done
for p in "${pids[@]}"; do wait "$p" || true; done
# MERGE_GB=G: also time the merge of N files of G GB each (each runner's
# output repeated; the merge streams, so its memory does not grow).
if [ -n "${MERGE_GB:-}" ]; then
  mkdir -p "$W/big"
  for i in $(seq 1 "$N"); do
    f="$W/runner-$i.json"; size=$(stat -c %s "$f"); reps=$(( (MERGE_GB * 1073741824 + size - 1) / size ))
    for _ in $(seq 1 "$reps"); do cat "$f"; done > "$W/big/runner-$i.json"
  done
  /usr/bin/time -f '%e %M' -o "$W/big.time" llmbench merge "$W"/big/runner-*.json >/dev/null 2>&1 || true
fi
/usr/bin/time -f '%e %M' -o "$W/merge.time" llmbench merge --summary-export "$W/merged.json" \
  --summary-trend-stats 'med,p(99),max' "$W"/runner-*.json >/dev/null 2>&1 || true
python3 - "$W" "$N" "$RATE" "$SECONDS_" <<'PY'
import json, sys, os, glob
w, n, rate, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
from datetime import datetime
def ts(s):  # RFC3339Nano → ns since epoch
    d, frac = s[:19], s[19:]
    tz = frac[-6:] if frac[-6] in '+-' else 'Z'
    frac = frac[:-len(tz)] if tz != 'Z' else frac[:-1]
    base = datetime.fromisoformat(d + ('+00:00' if tz == 'Z' else tz)).timestamp()
    return int(base) * 10**9 + int((frac[1:] + '000000000')[:9] if frac else 0)
starts, lags, actual = [], [], []
for i in range(1, n + 1):
    first = None
    for line in open(f"{w}/runner-{i}.json"):
        if '"schedule_lag"' not in line or '"Point"' not in line: continue
        p = json.loads(line); t = ts(p['data']['time']); lag = p['data']['value']
        lags.append(lag); actual.append(t)
        sched = t - int(lag * 1e6)
        first = sched if first is None else min(first, sched)
    starts.append(first)
m = json.load(open(f"{w}/merged.json"))['metrics']
it = m['iterations']['count']; dropped = m.get('dropped_iterations', {}).get('count', 0)
lags.sort(); actual.sort()
achieved = (len(actual) - 1) / ((actual[-1] - actual[0]) / 1e9)
big = None
if os.path.exists(f"{w}/big.time"):
    bt, brss = open(f"{w}/big.time").read().split()
    bsize = sum(os.path.getsize(p) for p in glob.glob(f"{w}/big/runner-*.json"))
    big = {"input_gb": round(bsize / 2**30, 2), "seconds": float(bt), "peak_rss_mb": round(int(brss) / 1024, 1),
           "mb_per_s": round(bsize / 2**20 / max(float(bt), 1e-9), 1)}
mt, rss = open(f"{w}/merge.time").read().split()
size = sum(os.path.getsize(p) for p in glob.glob(f"{w}/runner-*.json"))
print(json.dumps({
  "instances": n, "target_rate": rate, "seconds": secs,
  "iterations": it, "dropped": dropped,
  "achieved_rate": round(achieved, 2), "rate_error_pct": round(100 * (achieved - rate) / rate, 3),
  "start_skew_ms": round((max(starts) - min(starts)) / 1e6, 3),
  "schedule_lag_ms": {"p50": round(lags[len(lags)//2], 3), "p99": round(lags[int(len(lags)*0.99)], 3), "max": round(lags[-1], 3)},
  "worst_gap_error_ms": round((max(starts) - min(starts)) / 1e6 + lags[-1], 3),
  "merge": {"input_mb": round(size / 2**20, 1), "seconds": float(mt), "peak_rss_mb": round(int(rss) / 1024, 1),
            "mb_per_s": round(size / 2**20 / max(float(mt), 1e-9), 1)},
  "merge_big": big,
}))
PY
