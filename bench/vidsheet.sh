#!/usr/bin/env bash
# Benchmark (not a test): reading and cloning a big engine. Builds an engine of 200 rows x 10
# columns with 5 layers on every video cell through the API, then measures the full
# GET /v1/autocontentengine/{id} (p50/p99 over sequential requests), the SQL statements one
# GET sends (from ace_db_statements_total on /metrics), and the clone's wall time. Release
# server, SQLite by default; set ACE_DATABASE_URL to measure PostgreSQL.
#
#   bench/vidsheet.sh [rows=200] [gets=200] [clones=5]
#
# Targets on a 2-core machine: a constant number of statements per GET (no N+1), p99 under
# 50 ms on SQLite, and a clone under 1 s. The script reports; it does not fail on a miss.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-200}"
gets="${2:-200}"
clones="${3:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"

cargo build --release --locked --quiet -p ace-server
binary="$CARGO_TARGET_DIR/release/ace"

data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
ACE_RATE_LIMIT_PER_MINUTE=0 RUST_LOG=warn "$binary" serve --data-dir "$data" --bind "127.0.0.1:$port" >"$data/stdout" 2>"$data/stderr" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
key=$(cat "$data/admin-api-key")

echo "ace $("$binary" --version | awk '{print $2}') release, ${ACE_DATABASE_URL:-SQLite}, $(nproc) cores"
python3 bench/vidsheet.py "127.0.0.1:$port" "$key" "$rows" "$gets" "$clones"
