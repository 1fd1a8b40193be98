#!/usr/bin/env bash
# Benchmark (not a test): the latency of an MCP tool call over /mcp next to the same REST call,
# for gen_get_me (GET /v1/me) and gen_get_engine (GET /v1/autocontentengine/{id}, a cloned
# template's engine), on the release server with SQLite, driven by wrk on the same machine.
# A tool call is one stateless POST (JSON-RPC in, JSON out), so the difference is what MCP
# adds: rmcp's handling of the JSON-RPC envelope, checking the arguments, and the answer
# written as pretty JSON text inside the result. Non-2xx answers count as errors.
#
#   bench/mcp.sh [connections=8] [duration=15s] [threads=2]
#
# Target: a tool call costs at most 1 ms more than its REST call at p50. The script reports;
# it does not fail on a miss.
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-8}"
duration="${2:-15s}"
threads="${3:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)"; exit 1; }
cargo build --release --locked --quiet -p ace-server
binary="$CARGO_TARGET_DIR/release/ace"

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ACE_RATE_LIMIT_PER_MINUTE=0 RUST_LOG=warn "$binary" serve --data-dir "$data" --bind "127.0.0.1:$port" >"$data/stdout" 2>"$data/stderr" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 200); do
  [ -s "$data/admin-api-key" ] && curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
key=$(cat "$data/admin-api-key")
base="http://127.0.0.1:$port"
agent=$(curl -fs -H "X-API-Key: $key" "$base/v1/agents" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
engine=$(curl -fs -H "X-API-Key: $key" -H 'content-type: application/json' \
  -d "{\"agent_id\": \"$agent\"}" "$base/v1/templates/spreadsheets/text-driven/clone" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

# A wrk script POSTing one tools/call to /mcp, after one call by curl shows it succeeds.
tool_call() { # name, arguments (JSON)
  local body="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$1\",\"arguments\":$2}}"
  local headers=(-H "X-API-Key: $key" -H 'Content-Type: application/json'
    -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2025-06-18')
  if curl -fs "${headers[@]}" -d "$body" "$base/mcp" | grep -q '"isError":true'; then
    echo "bench: $1 fails" >&2
    exit 1
  fi
  cat >"$data/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["X-API-Key"] = "$key"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-06-18"
wrk.body = '$body'
LUA
  echo "$data/$1.lua"
}

measure() { # name, wrk args...
  local name=$1; shift
  wrk -t"$threads" -c"$connections" -d3s "$@" >/dev/null # warm-up
  local out; out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%-22s %10s req/s   p50 %9s   p99 %9s   errors %s\n' "$name" "$rps" "$p50" "$p99" "${errors:-0}"
  echo "$p50" >"$data/$(slug "$name").p50"
}
slug() { tr -c 'a-zA-Z0-9' _ <<<"$1"; }
in_ms() {
  awk -v t="$(cat "$data/$(slug "$1").p50")" 'BEGIN {
    if (t ~ /us$/) { sub(/us$/, "", t); print t / 1000 } else if (t ~ /ms$/) { sub(/ms$/, "", t); print t + 0 } else { sub(/s$/, "", t); print t * 1000 } }'
}

echo "ace $("$binary" --version | awk '{print $2}') release, SQLite, wrk -t$threads -c$connections -d$duration, $(nproc) cores"
measure "REST GET /v1/me" -H "X-API-Key: $key" "$base/v1/me"
measure "MCP gen_get_me" -s "$(tool_call gen_get_me '{}')" "$base/mcp"
measure "REST GET engine" -H "X-API-Key: $key" "$base/v1/autocontentengine/$engine?agent_id=$agent"
measure "MCP gen_get_engine" -s "$(tool_call gen_get_engine "{\"engine_id\":\"$engine\",\"agent_id\":\"$agent\"}")" "$base/mcp"
for pair in "gen_get_me:REST GET /v1/me:MCP gen_get_me" "gen_get_engine:REST GET engine:MCP gen_get_engine"; do
  IFS=: read -r tool rest mcp <<<"$pair"
  awk -v tool="$tool" -v r="$(in_ms "$rest")" -v m="$(in_ms "$mcp")" \
    'BEGIN { printf "%-16s MCP adds %.2f ms at p50 (%.2f vs %.2f ms; target: at most 1 ms)\n", tool, m - r, m, r }'
done
