#!/usr/bin/env bash
# End-to-end tests against servers llmbench did not write (docs/e2e.md):
# real inference by ollama (built from the Go module proxy by
# ../shared/tools/ollama/setup.sh, tiny random-weight models) and the
# @copilotkit/aimock fault injector from npm. Starts them on free ports on
# 127.0.0.1 under $ROOT (gitignored), runs `go test -tags e2e ./e2e/...` and
# stops them again.
#
#   .ci/e2e.sh                 # or: make e2e
#   OLLAMA_SETUP=/path/to/setup.sh ROOT=/tmp/srv .ci/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="/usr/local/go/bin:$PATH"
ROOT=${ROOT:-.e2e-servers}
SETUP=${OLLAMA_SETUP:-../shared/tools/ollama/setup.sh}
AIMOCK_VERSION=1.43.0
mkdir -p "$ROOT"
ROOT=$(cd "$ROOT" && pwd)
start=$SECONDS

# free_port N: the first port from N up that nothing listens on.
free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# wait_http URL WHAT: poll until URL answers (30 s at most).
wait_http() {
  for _ in $(seq 150); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "e2e: $2 did not answer at $1" >&2
  return 1
}

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "== e2e: ollama (setup.sh; 4-6 min when it has to build ollama)"
[ -x "$SETUP" ] || { echo "e2e: $SETUP not found (set OLLAMA_SETUP)" >&2; exit 1; }
# The ollama build's cgo flags name $ROOT, so a fresh clone elsewhere misses
# the Go build cache: keep the built binary in a cache of its own.
CACHE=${LLMBENCH_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/llmbench-e2e}
CACHED="$CACHE/ollama-v0.17.4"
if [ ! -x "$ROOT/bin/ollama" ] && [ -x "$CACHED" ]; then
  mkdir -p "$ROOT/bin" && cp "$CACHED" "$ROOT/bin/ollama"
fi
PORT=$(free_port 11500)
ROOT="$ROOT" PORT="$PORT" OLLAMA_NUM_PARALLEL=4 "$SETUP"
PIDS+=("$(cat "$ROOT/ollama.pid")")
if [ ! -x "$CACHED" ]; then
  mkdir -p "$CACHE" && cp "$ROOT/bin/ollama" "$CACHED.tmp" && mv "$CACHED.tmp" "$CACHED"
fi

# A second ollama on the same models that runs one request at a time.
SERIAL_PORT=$(free_port $((PORT + 1)))
HOME="$ROOT/home" OLLAMA_HOST="127.0.0.1:$SERIAL_PORT" OLLAMA_MODELS="$ROOT/models" \
  OLLAMA_NUM_PARALLEL=1 OLLAMA_KEEP_ALIVE=-1 \
  nohup "$ROOT/bin/ollama" serve >"$ROOT/ollama-serial.log" 2>&1 &
PIDS+=("$!")
wait_http "http://127.0.0.1:$SERIAL_PORT/api/version" "ollama (OLLAMA_NUM_PARALLEL=1)"
echo "== e2e: ollama ready after $((SECONDS - start)) s"

echo "== e2e: aimock $AIMOCK_VERSION"
command -v npm >/dev/null || { echo "e2e: npm is needed for aimock (Node >= 20.15)" >&2; exit 1; }
LLMOCK="$ROOT/aimock/node_modules/.bin/llmock"
if [ ! -x "$LLMOCK" ] || ! grep -q "\"version\": \"$AIMOCK_VERSION\"" "$ROOT/aimock/node_modules/@copilotkit/aimock/package.json"; then
  mkdir -p "$ROOT/aimock"
  (cd "$ROOT/aimock" && npm install --no-audit --no-fund --loglevel=error "@copilotkit/aimock@$AIMOCK_VERSION")
fi
AIMOCK_PORT=$(free_port 4010)
nohup "$LLMOCK" --host 127.0.0.1 --port "$AIMOCK_PORT" --fixtures "$PWD/e2e/testdata/aimock" \
  --metrics --log-level warn >"$ROOT/aimock.log" 2>&1 &
PIDS+=("$!")
wait_http "http://127.0.0.1:$AIMOCK_PORT/health" aimock
echo "== e2e: servers ready after $((SECONDS - start)) s"

export LLMBENCH_E2E_BASE_URL="http://127.0.0.1:$PORT/v1"
export LLMBENCH_E2E_MODEL=tiny
export LLMBENCH_E2E_SLOW_MODEL=small
export LLMBENCH_E2E_SERIAL_BASE_URL="http://127.0.0.1:$SERIAL_PORT/v1"
export LLMBENCH_E2E_AIMOCK_URL="http://127.0.0.1:$AIMOCK_PORT"
t0=$SECONDS
status=0
go test -tags e2e -count=1 -timeout 8m -v ./e2e/... >"$ROOT/e2e-test.log" 2>&1 || status=$?
grep -v '^=== ' "$ROOT/e2e-test.log" || true
echo "== e2e: tests took $((SECONDS - t0)) s, $((SECONDS - start)) s in all (exit $status; log $ROOT/e2e-test.log)"
exit "$status"
