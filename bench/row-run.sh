#!/usr/bin/env bash
# Benchmark (not a test): each shipped template from clone to MP4 with the embedded models, the
# way a user makes a video: a release `ace serve` on a fresh data directory, then per template
# a clone, a dry run, a run of its first row followed to its end, and the MP4 checked with
# ffprobe. Prints the seconds each step took (from the row's STATS cell), clone → MP4 wall
# time, and the video's size and length. Templates that need a lipsync provider
# (talking-avatar, green-screen) are refused up front by the dry run and the run, and nothing
# is charged: the script checks that too.
#
#   bench/row-run.sh [template ...]        (needs the models: scripts/models)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"
scripts/models
cargo build --locked --quiet --release -p ace-server
data=$(mktemp -d)
log="$data/serve.log"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn "$CARGO_TARGET_DIR/release/ace" serve --bind "127.0.0.1:$port" --data-dir "$data" \
  --starter-credits 1000000 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  [ -s "$data/admin-api-key" ] && curl -s "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.5
done
ACE_URL="http://127.0.0.1:$port" ACE_API_KEY="$(cat "$data/admin-api-key")" \
  python3 - "$@" <<'PY'
import json, os, subprocess, sys, tempfile, time, urllib.request

BASE, KEY = os.environ["ACE_URL"] + "/v1", os.environ["ACE_API_KEY"]
TEMPLATES = sys.argv[1:] or ["text-driven", "montage", "narrated-voice-over", "pov-object",
                             "skit", "split-screen", "talking-avatar", "green-screen"]

def call(method, path, body=None):
    request = urllib.request.Request(BASE + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"X-API-Key": KEY, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            text = response.read()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")

def balance():
    return call("GET", "/organizations")[1][0]["available_credit"]["generic"]

agent = call("GET", "/agents")[1][0]["id"]
print(f"{'template':<20} {'result':<10} {'clone->mp4 s':>12}  {'video':<22} steps (s)")
for slug in TEMPLATES:
    started = time.time()
    status, engine = call("POST", f"/templates/spreadsheets/{slug}/clone", {"agent_id": agent})
    assert status == 201, engine
    sheet, row = engine["id"], engine["spreadsheet_rows"][0]["id"]
    run_path = f"/autocontentengine/{sheet}/rows/{row}/run?agent_id={agent}"
    _, plan = call("POST", run_path, {"dry_run": True})
    if not plan["runnable"]:
        before = balance()
        status, refused = call("POST", run_path, {})
        charged = before - balance()
        reasons = "; ".join(f"{s['column_title']}: needs a provider" for s in plan["steps"] if not s["runnable"])
        ok = status == 422 and charged == 0
        print(f"{slug:<20} {'refused' if ok else 'WRONG':<10} {'':>12}  {'':<22} {reasons} (run: {status}, charged {charged})")
        continue
    status, started_run = call("POST", run_path, {})
    assert status == 202, started_run
    run = started_run["run_id"]
    events = urllib.request.Request(
        f"{BASE}/autocontentengine/{sheet}/rows/{row}/runs/{run}/events?agent_id={agent}",
        headers={"X-API-Key": KEY})
    with urllib.request.urlopen(events, timeout=3600) as stream:
        for _ in stream:
            pass
    _, result = call("GET", f"/autocontentengine/{sheet}/rows/{row}/runs/{run}?agent_id={agent}")
    wall = time.time() - started
    if result["status"] != "completed":
        print(f"{slug:<20} {result['status']:<10} {wall:>12.1f}  {'':<22} {result.get('failed_reason')}")
        continue
    _, generation = call("GET", f"/generations/{result['render']['generation_id']}")
    url = generation["output_resources"][0]["url"]
    with tempfile.NamedTemporaryFile(suffix=".mp4") as mp4:
        mp4.write(urllib.request.urlopen(url).read())
        mp4.flush()
        probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-print_format", "json",
            "-show_streams", "-show_format", mp4.name], capture_output=True, check=True).stdout)
    codecs = "+".join(s["codec_name"] for s in probe["streams"])
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    described = f"{video['width']}x{video['height']} {float(probe['format']['duration']):.1f}s {codecs}"
    _, sheet_view = call("GET", f"/autocontentengine/{sheet}?agent_id={agent}")
    columns = {c["id"]: c for c in sheet_view["spreadsheet_columns"]}
    stats_cell = next(c for c in sheet_view["spreadsheet_rows"][0]["spreadsheet_cells"]
                      if columns[c["column_id"]]["column_role"] == "stats")
    stats = json.loads(stats_cell["value"])
    steps = ", ".join(f"{s['column_title']} {s['seconds']:.1f}" for s in stats["steps"])
    steps += f", render {stats['render']['seconds']:.1f}"
    print(f"{slug:<20} {'completed':<10} {wall:>12.1f}  {described:<22} {steps}")

# The text calls on the request path (voice design's first two steps), which a user waits for.
for step, body in [("generate-script", {}), ("generate-description", {"gender": "female", "voice_description": "warm and calm"})]:
    started = time.time()
    status, answer = call("POST", f"/agents/{agent}/voice/design/{step}", body)
    print(f"voice design {step}: {status} in {time.time() - started:.1f} s: {json.dumps(answer)[:120]}")
PY
