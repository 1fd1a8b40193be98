#!/usr/bin/env bash
# Benchmark (not a test): generations through the whole path. Media generations (no model,
# zero cost) are triggered over HTTP, claimed and completed by workers, and announced to a
# local callback receiver; completion time is when the receiver gets `generation.completed`.
# Reports generations completed per second under load, and p50/p99 trigger → completion when
# not saturated. Release build; SQLite with one `ace serve` by default. With ACE_DATABASE_URL
# set to PostgreSQL, one `ace serve` without jobs plus WORKERS `ace worker` processes (2).
#
#   bench/generations.sh [load=2000] [paced=200]      (CLIENTS=8 concurrent triggering clients)
#
# The load driver and the callback receiver are crates/server/benches/generations.rs.
#
# Targets on a 2-core machine: >= 500/s on SQLite, >= 1000/s on PostgreSQL with two workers,
# p50 < 50 ms unsaturated. The script reports; it does not fail on a miss.
set -euo pipefail
cd "$(dirname "$0")/.."
load="${1:-2000}"
paced="${2:-200}"
workers="${WORKERS:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"

cargo build --release --locked --quiet -p ace-server
cargo bench --locked --quiet -p ace-server --bench generations --no-run 2>/dev/null
binary="$CARGO_TARGET_DIR/release/ace"

data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
export ACE_RATE_LIMIT_PER_MINUTE=0 ACE_ALLOW_PRIVATE_WEBHOOKS=true RUST_LOG="${RUST_LOG:-warn}" ACE_DB_MAX_CONNECTIONS=32
if [[ "${ACE_DATABASE_URL:-}" == postgres* ]]; then
  ACE_SERVE_JOBS=false "$binary" serve --data-dir "$data" --bind "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  for n in $(seq 1 "$workers"); do
    "$binary" worker --data-dir "$data" >"$data/worker-$n.log" 2>&1 &
    pids+=($!)
  done
  setup="PostgreSQL, ace serve (no jobs) + $workers ace worker"
else
  "$binary" serve --data-dir "$data" --bind "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
  pids+=($!)
  setup="SQLite, one ace serve"
fi
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
key=$(cat "$data/admin-api-key")

echo "ace $("$binary" --version | awk '{print $2}') release, $setup, $(nproc) cores"
cargo bench --locked --quiet -p ace-server --bench generations -- "127.0.0.1:$port" "$key" "$load" "$paced" "${CLIENTS:-8}"
