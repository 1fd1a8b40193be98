#!/usr/bin/env bash
# Benchmark (not a test): requests/s and p50/p99 latency of GET /v1/me (authenticated: key
# digest lookup plus the user read) next to GET /healthz (no auth, no database), on the
# release server with SQLite, driven by wrk on the same machine.
#
#   bench/http.sh [connections=64] [duration=20s] [threads=2]
#
# Targets on a 2-core machine: /v1/me reaches at least half the throughput of /healthz, with
# p99 under 10 ms at 64 connections. The script reports; it does not fail on a miss.
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-64}"
duration="${2:-20s}"
threads="${3:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)"; exit 1; }
cargo build --release --locked --quiet -p ace-server
binary="$CARGO_TARGET_DIR/release/ace"

data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
ACE_RATE_LIMIT_PER_MINUTE=0 RUST_LOG=warn "$binary" serve --data-dir "$data" --bind "127.0.0.1:$port" >"$data/stdout" 2>"$data/stderr" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
key=$(cat "$data/admin-api-key")
curl -fs -H "X-API-Key: $key" "http://127.0.0.1:$port/v1/me" >/dev/null

measure() { # name, wrk args...
  local name=$1; shift
  wrk -t"$threads" -c"$connections" -d5s "$@" >/dev/null # warm-up
  local out; out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%-12s %12s req/s   p50 %9s   p99 %9s   non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "${errors:-0}"
  echo "$rps" >"$data/$name.rps"
  echo "$p99" >"$data/$name.p99"
}

echo "ace $("$binary" --version | awk '{print $2}') release, SQLite, wrk -t$threads -c$connections -d$duration, $(nproc) cores"
measure healthz "http://127.0.0.1:$port/healthz"
measure me -H "X-API-Key: $key" "http://127.0.0.1:$port/v1/me"

ratio=$(awk -v a="$(cat "$data/me.rps")" -v b="$(cat "$data/healthz.rps")" 'BEGIN {printf "%.2f", a / b}')
p99_ms=$(awk -v t="$(cat "$data/me.p99")" 'BEGIN {
  if (t ~ /us$/) { sub(/us$/, "", t); print t / 1000 } else if (t ~ /ms$/) { sub(/ms$/, "", t); print t + 0 } else { sub(/s$/, "", t); print t * 1000 } }')
verdict() { if [ "$1" = 1 ]; then echo met; else echo MISSED; fi; }
echo "/v1/me throughput is ${ratio}x /healthz (target >= 0.5: $(verdict "$(awk -v r="$ratio" 'BEGIN {print (r >= 0.5)}')"))"
echo "/v1/me p99 is ${p99_ms} ms (target < 10 ms: $(verdict "$(awk -v p="$p99_ms" 'BEGIN {print (p < 10)}')"))"
