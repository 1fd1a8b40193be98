#!/usr/bin/env bash
# Benchmark (not a test): moving big files through ace on the local storage backend.
#
#   bench/files.sh [size_mib=1024]
#
# Measures (median of three runs each) on the release server with SQLite and its data
# directory on the same disk:
# - a plain `dd` copy of the file to that disk: into the page cache, and with conv=fdatasync,
#   which is the anchor, since ace flushes an upload to disk before acknowledging it;
# - a multipart upload (POST /v1/content_resources, curl -F);
# - a direct upload (POST /v1/direct_upload, then curl --upload-file to the signed URL, then
#   POST /v1/content_resources with the signed id);
# - ranged GETs of 1 MiB from the stored file (wrk) and one whole download.
# For each upload it reports throughput and the server's peak RSS growth (VmHWM after the
# upload minus VmRSS before, with the high-water mark reset through /proc/<pid>/clear_refs).
#
# Targets: peak RSS growth under 64 MiB during a 1 GiB upload; upload throughput at least 70%
# of the dd figure. The script reports; it does not fail on a miss.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib="${1:-1024}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"

for tool in curl openssl; do command -v "$tool" >/dev/null || { echo "bench: $tool is missing"; exit 1; }; done
cargo build --release --locked --quiet -p ace-server
binary="$CARGO_TARGET_DIR/release/ace"

work=$(mktemp -d)
data="$work/data"
port=$((20000 + RANDOM % 20000))
base="http://127.0.0.1:$port"
ACE_RATE_LIMIT_PER_MINUTE=0 RUST_LOG=warn "$binary" serve --data-dir "$data" --bind "127.0.0.1:$port" \
  --max-file-mb $((size_mib + 16)) >"$work/stdout" 2>"$work/stderr" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
key=$(cat "$data/admin-api-key")
json_field() { python3 -c "import json, sys; data = json.load(sys.stdin); print($1)"; }
org=$(curl -fsS -H "X-API-Key: $key" "$base/v1/organizations" | json_field 'next(o["id"] for o in data if o["user_role"] == "owner")')
agent=$(curl -fsS -H "X-API-Key: $key" "$base/v1/agents?workspace_id=$org" | json_field 'data[0]["id"]')

# A WAV header then random bytes: recognised as audio, not compressible, size_mib MiB in all.
source="$work/big.wav"
python3 - "$source" "$size_mib" <<'EOF'
import os, struct, sys
path, mib = sys.argv[1], int(sys.argv[2])
total = mib * 1024 * 1024
data_len = total - 44
header = b"RIFF" + struct.pack("<I", 36 + data_len) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 2, 48000, 192000, 4, 16) \
    + b"data" + struct.pack("<I", data_len)
with open(path, "wb") as out:
    out.write(header)
    left = data_len
    chunk = os.urandom(8 * 1024 * 1024)
    while left > 0:
        out.write(chunk[: min(left, len(chunk))])
        left -= min(left, len(chunk))
EOF
bytes=$(stat -c %s "$source")
cat "$source" >/dev/null # into the page cache, so every reader starts alike

runs=3
mib_per_s() { awk -v b="$bytes" -v s="$1" 'BEGIN {printf "%.0f\n", b / 1048576 / s}'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
median() { tr ' ' '\n' | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
rss_kib() { awk -v f="$1" '$1 == f":" {print $2}' "/proc/$server/status"; }
start_rss_watch() { rss_before=$(rss_kib VmRSS); echo 5 >"/proc/$server/clear_refs"; }
rss_growth_mib() { awk -v a="$rss_before" -v b="$(rss_kib VmHWM)" 'BEGIN {printf "%.1f", (b - a) / 1024}'; }
api() { curl -fsS -H "X-API-Key: $key" -H 'Content-Type: application/json' "$@"; }

dd_run() { # extra dd flags...
  local t0 t1; t0=$(now); dd if="$source" of="$data/dd.bin" bs=8M status=none "$@"; t1=$(now)
  rm -f "$data/dd.bin"; sync
  mib_per_s "$(elapsed "$t0" "$t1")"
}

multipart_run() {
  start_rss_watch
  local t0 t1 status; t0=$(now)
  status=$(curl -sS -o "$work/resource.json" -w '%{http_code}' -H "X-API-Key: $key" \
    -F "content_resource[file]=@$source;type=audio/wav" "$base/v1/content_resources?agent_id=$agent")
  t1=$(now)
  [ "$status" = 201 ] || { echo "bench: multipart upload answered $status: $(cat "$work/resource.json")" >&2; exit 1; }
  echo "$(mib_per_s "$(elapsed "$t0" "$t1")") $(rss_growth_mib)"
  forget_resource
}

direct_run() {
  local ticket url signed_id t0 t1 t2 t3 status
  ticket=$(api "$base/v1/direct_upload" -d "{\"blob\": {\"filename\": \"big.wav\", \"byte_size\": $bytes, \"checksum\": \"$checksum\", \"content_type\": \"audio/wav\"}}")
  url=$(json_field 'data["direct_upload"]["url"]' <<<"$ticket")
  signed_id=$(json_field 'data["signed_id"]' <<<"$ticket")
  start_rss_watch
  t0=$(now)
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT --upload-file "$source" \
    -H 'Content-Type: audio/wav' -H "Content-MD5: $checksum" "$url")
  t1=$(now)
  [ "$status" = 200 ] || { echo "bench: direct upload PUT answered $status" >&2; exit 1; }
  local rss; rss=$(rss_growth_mib)
  t2=$(now)
  api -o "$work/resource.json" "$base/v1/content_resources?agent_id=$agent" -d "{\"content_resource\": {\"file\": \"$signed_id\"}}"
  t3=$(now)
  echo "$(mib_per_s "$(elapsed "$t0" "$t1")") $rss $(elapsed "$t2" "$t3")"
}

forget_resource() {
  local id; id=$(json_field 'data["content_resource"]["id"]' <"$work/resource.json")
  api -X DELETE -o /dev/null "$base/v1/content_resources/$id?agent_id=$agent"
}

echo "ace $("$binary" --version | awk '{print $2}') release, SQLite, local storage, ${size_mib} MiB file, $(nproc) cores, median of $runs"

dd_cache=$(for _ in $(seq $runs); do dd_run; done | median)
dd_sync=$(for _ in $(seq $runs); do dd_run conv=fdatasync; done | median)
printf '%-34s %6s MiB/s\n' "dd copy (page cache)" "$dd_cache" "dd copy (conv=fdatasync)" "$dd_sync"

results=$(for _ in $(seq $runs); do multipart_run; done)
multipart=$(awk '{print $1}' <<<"$results" | median)
multipart_rss=$(awk '{print $2}' <<<"$results" | sort -n | tail -n1)
printf '%-34s %6s MiB/s   peak RSS growth %6s MiB (worst run)\n' "multipart upload" "$multipart" "$multipart_rss"

checksum=$(openssl md5 -binary "$source" | base64)
results=$(for n in $(seq $runs); do direct_run; [ "$n" = "$runs" ] || forget_resource; done)
direct=$(awk '{print $1}' <<<"$results" | median)
direct_rss=$(awk '{print $2}' <<<"$results" | sort -n | tail -n1)
attach=$(awk '{print $3}' <<<"$results" | median)
printf '%-34s %6s MiB/s   peak RSS growth %6s MiB (worst run), attach %ss\n' "direct upload PUT" "$direct" "$direct_rss" "$attach"

file_url=$(json_field 'data["content_resource"]["url"]' <"$work/resource.json")
file_path="/files/${file_url#*/files/}"
download=$(for _ in $(seq $runs); do curl -fsS -o /dev/null -w '%{speed_download}\n' "$base$file_path"; done | median | awk '{printf "%.0f", $1 / 1048576}')
printf '%-34s %6s MiB/s\n' "whole download" "$download"
if command -v wrk >/dev/null; then
  out=$(wrk -t2 -c8 -d10s -H 'Range: bytes=104857600-105906175' "$base$file_path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%-34s %6.0f MiB/s   (%s req/s, non-2xx %s)\n' "ranged GETs of 1 MiB (wrk -c8)" "$rps" "$rps" "${non2xx:-0}"
else
  echo "ranged GETs: skipped (wrk is missing: apt-get install wrk)"
fi

verdict() { if [ "$1" = 1 ]; then echo met; else echo MISSED; fi; }
for name in multipart direct; do
  rate=${!name}; rss_var="${name}_rss"; rss=${!rss_var}
  ratio=$(awk -v a="$rate" -v b="$dd_sync" 'BEGIN {printf "%.2f", a / b}')
  echo "$name: ${ratio}x dd with fdatasync (target >= 0.70: $(verdict "$(awk -v r="$ratio" 'BEGIN {print (r >= 0.7)}')")), RSS growth ${rss} MiB (target < 64: $(verdict "$(awk -v r="$rss" 'BEGIN {print (r < 64)}')"))"
done
