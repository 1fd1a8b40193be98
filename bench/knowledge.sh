#!/usr/bin/env bash
# Benchmark (not a test): the agent's knowledge at a realistic size. A generated corpus of
# 5,000 posts and 20,000 comments across TikTok, Instagram and YouTube (ace-fixtures'
# social_corpus) is imported over HTTP into a release `ace serve`, then imported again with
# grown metrics (a second fetch); each is timed from the upload until the import job completes.
# Then the ranked questions the agent's tools ask (top posts about some words this week by
# views, most engaging per platform, fastest-growing from a creator or this month, newest,
# most-liked comments on the top posts) are asked of the knowledge base directly, and their
# p50/p99 reported. SQLite by default; PostgreSQL when ACE_DATABASE_URL names one.
#
#   bench/knowledge.sh
#
# The driver is crates/server/benches/knowledge.rs.
#
# Targets on this machine: at least 2,000 posts/s imported; p99 under 50 ms for every ranked
# question. The script reports; it does not fail on a miss.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"

cargo build --release --locked --quiet -p ace-server
cargo bench --locked --quiet -p ace-server --bench knowledge --no-run 2>/dev/null
binary="$CARGO_TARGET_DIR/release/ace"

data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
export ACE_RATE_LIMIT_PER_MINUTE=0 RUST_LOG="${RUST_LOG:-warn}"
database_url="${ACE_DATABASE_URL:-sqlite://$data/ace.db}"
if [[ "$database_url" == postgres* ]]; then setup="PostgreSQL"; else setup="SQLite"; fi
ACE_DATABASE_URL="$database_url" "$binary" serve --data-dir "$data" --bind "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
key=$(cat "$data/admin-api-key")
json_field() { python3 -c "import json, sys; data = json.load(sys.stdin); print($1)"; }
base="http://127.0.0.1:$port"
org=$(curl -fsS -H "X-API-Key: $key" "$base/v1/organizations" | json_field 'next(o["id"] for o in data if o["user_role"] == "owner")')
agent=$(curl -fsS -H "X-API-Key: $key" "$base/v1/agents?workspace_id=$org" | json_field 'data[0]["id"]')

echo "ace $("$binary" --version | awk '{print $2}') release, $setup, $(nproc) cores"
cargo bench --locked --quiet -p ace-server --bench knowledge -- "127.0.0.1:$port" "$key" "$agent" "$database_url"
