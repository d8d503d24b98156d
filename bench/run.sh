#!/usr/bin/env bash
# Whole-process benchmarks of the engine. Prints one JSON line per case; the
# figures kept in docs/benchmarks.md come from this script.
# Usage: bench/run.sh [quick]   (quick: shorter runs)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin/llmbench}
[ -x "$BIN" ] || make build >/dev/null
D=10s; S=30
if [ "${1:-}" = quick ]; then D=3s; S=5; fi

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3)"

echo "# iterations/s of an empty default function (constant-vus, $D)"
for v in 1 100; do "$BIN" run -q -e VUS=$v -e DURATION=$D bench/iterations.js; done

echo "# constant-arrival-rate 1000/s for ${S}s"
"$BIN" run -q -e RATE=1000 -e SECONDS=$S bench/arrival.js

# Peak RSS while N VUs are alive, minus the RSS of a 1-VU run: bytes per VU.
peak_rss() { # $1 = VUs; prints peak VmRSS in kB
  "$BIN" run -q -e VUS="$1" -e HOLD=3 bench/vus.js & local pid=$! peak=0
  while kill -0 $pid 2>/dev/null; do
    r=$(awk '/VmRSS/{print $2}' /proc/$pid/status 2>/dev/null || echo 0); [ "${r:-0}" -gt $peak ] && peak=$r; sleep 0.05
  done
  wait $pid; echo $peak
}
echo "# memory per VU (peak RSS)"
base=$(peak_rss 1)
for v in 100 1000; do
  p=$(peak_rss $v)
  echo "{\"vus\":$v,\"peak_rss_kb\":$p,\"base_rss_kb\":$base,\"kb_per_vu\":$(( (p - base) / (v - 1) ))}"
done
