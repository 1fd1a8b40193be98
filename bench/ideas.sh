#!/usr/bin/env bash
# Benchmark (not a test): the Ideas agent with the embedded model, as a user drives it. A
# release `ace serve` (SQLite, no keys) gets a small knowledge base (an import of taco posts),
# a preference by rule ("remember: never use question hooks"), then "generate 5 content ideas
# about late night tacos. Requirements: under 20 seconds", timed from the POST until the run
# completes (GEN's SDK gives up waiting at 300 s). Each idea is checked: a title of at most
# eight words, a hook (the script's first sentence) of at most fifteen words that is not a
# question, a duration within 20 s, a script of at least eight words, no emojis or hashtags,
# a real inspiration source from the knowledge base, and a title of its own. Tokens per second
# come from the text model's own log lines.
#
#   bench/ideas.sh [runs]        (needs the models: scripts/models)
#
# ACE_BIN names an ace binary already built (the development build optimises the models'
# numeric crates too), instead of building the release one.
#
# Then free chat: messages no rule reads, which the embedded model answers by picking a tool
# (decoded under the tools' schemas) or replying. Reported: how many it routed as a person
# would, and the seconds per message.
#
# Targets on this machine: 5 ideas in at most 300 s; every idea passing every check.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"
runs="${1:-1}"

scripts/models >/dev/null
binary="${ACE_BIN:-}"
build="release"
if [[ -z "$binary" ]]; then
  cargo build --release --locked --quiet -p ace-server
  binary="$CARGO_TARGET_DIR/release/ace"
else
  build="$binary"
fi

data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
export ACE_RATE_LIMIT_PER_MINUTE=0 RUST_LOG="warn,ace_providers::local::text=debug"
"$binary" serve --data-dir "$data" --bind "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
key=$(cat "$data/admin-api-key")
base="http://127.0.0.1:$port"
json_field() { python3 -c "import json, sys; data = json.load(sys.stdin); print($1)"; }
org=$(curl -fsS -H "X-API-Key: $key" "$base/v1/organizations" | json_field 'next(o["id"] for o in data if o["user_role"] == "owner")')
agent=$(curl -fsS -H "X-API-Key: $key" "$base/v1/agents?workspace_id=$org" | json_field 'data[0]["id"]')

cat >"$data/posts.ndjson" <<'EOF'
{"platform":"tiktok","id":"b1","url":"https://www.tiktok.com/@keithlee/video/1","author":"keithlee","text":"The two dollar taco at 2am. Worth the drive.","views":2100000,"likes":90000}
{"platform":"tiktok","id":"b2","url":"https://www.tiktok.com/@tacoqueen/video/2","author":"tacoqueen","text":"Salsa ranking from worst to best, blind taste test.","views":800000,"likes":41000}
{"platform":"instagram","id":"b3","url":"https://www.instagram.com/p/b3/","author":"streetfoodsa","text":"Al pastor off the trompo at midnight in San Antonio.","views":450000,"likes":30000}
{"platform":"youtube","id":"b4","url":"https://www.youtube.com/watch?v=b4","author":"foodranger","text":"I tried every taco truck on one street in one night.","views":1300000,"likes":52000}
EOF
curl -fsS -H "X-API-Key: $key" -F "file=@$data/posts.ndjson" "$base/v1/agents/$agent/knowledge/imports" >/dev/null

# Starts a run and waits for it; prints the run's JSON.
run() {
  local body started id status
  body=$(python3 -c 'import json, sys; print(json.dumps({"message": sys.argv[1], "agent_id": sys.argv[2]}))' "$1" "$agent")
  started=$(curl -fsS -H "X-API-Key: $key" -H 'Content-Type: application/json' -d "$body" "$base/v1/agent/run")
  id=$(echo "$started" | json_field 'data["run_id"]')
  while true; do
    run_json=$(curl -fsS -H "X-API-Key: $key" "$base/v1/agent/runs/$id")
    status=$(echo "$run_json" | json_field 'data["status"]')
    [[ "$status" == completed || "$status" == failed || "$status" == awaiting_approval ]] && break
    sleep 0.5
  done
  echo "$run_json"
}

sleep 2 # the import job
run "remember: never use question hooks" >/dev/null
echo "ace $("$binary" --version | awk '{print $2}') ($build), SQLite, embedded text model, $(nproc) cores"
for n in $(seq 1 "$runs"); do
  before=$(grep -c "the text model wrote" "$data/serve.log" || true)
  start=$(date +%s.%N)
  result=$(run "generate 5 content ideas about late night tacos. Requirements: under 20 seconds")
  end=$(date +%s.%N)
  echo "$result" >"$data/run-$n.json"
  python3 - "$data/run-$n.json" "$start" "$end" "$data/serve.log" "$before" <<'PY'
import json, re, sys
run = json.load(open(sys.argv[1]))
seconds = float(sys.argv[3]) - float(sys.argv[2])
if run["status"] != "completed":
    print(f"run failed after {seconds:.0f} s: {run.get('error')}")
    sys.exit(0)
ideas = next(m for m in reversed(run["messages"]) if m["role"] == "assistant")["data"]["ideas"]
plain = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[4]).read())
lines = [l for l in plain.splitlines() if "the text model wrote" in l][int(sys.argv[5]):]
def field(name, line):
    found = re.search(name + r"=([0-9.]+)", line)
    return float(found.group(1)) if found else 0.0
tokens = sum(field("tokens", l) for l in lines)
busy = sum(field("seconds", l) for l in lines)
emoji = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
def words(text):
    # Counted as ace counts them: a word has a letter or a digit.
    return [w for w in text.split() if any(c.isalnum() for c in w)]
titles = set()
passed = 0
failures = []
for idea in ideas:
    problems = []
    if len(words(idea["title"])) > 8: problems.append("title over 8 words")
    if idea["title"].lower() in titles: problems.append("repeated title")
    titles.add(idea["title"].lower())
    if len(words(idea["hook"])) > 15: problems.append("hook over 15 words")
    if idea["hook"].rstrip().endswith("?"): problems.append("question hook")
    if (idea["estimated_duration"] or 99) > 20: problems.append("over 20 s")
    if len(words(idea["full_script"])) < 8: problems.append("script under 8 words")
    text = idea["title"] + idea["full_script"]
    if emoji.search(text) or "#" in text: problems.append("emoji or hashtag")
    sources = idea["inspiration_sources"]
    if not sources or not all(s.get("url") for s in sources): problems.append("no real source")
    if problems: failures.append(f'  "{idea["title"]}": {", ".join(problems)}')
    else: passed += 1
print(f"5 ideas in {seconds:.0f} s (target 300 s); {passed}/{len(ideas)} pass every check; "
      f"{tokens:.0f} tokens in {len(lines)} model calls, {tokens / busy if busy else 0:.1f} tokens/s while writing")
for line in failures: print(line)
for idea in ideas:
    print(f'  {idea["idea_id"]}. {idea["title"]} [{idea["video_type"]}, {idea["estimated_duration"]} s] '
          f'hook: {idea["hook"]} | source: {idea["inspiration_sources"][0]["creator"] if idea["inspiration_sources"] else "-"}')
PY
done

# Free chat: each message in a conversation of its own, and the tool a person would pick.
chats=(
  "Find out what's trending with air fryers|research/query_knowledge"
  "Look into what people say about home espresso machines.|research"
  "hey there|reply"
  "what do I prefer again?|list_preferences"
  "could you come up with a couple of video concepts about school lunches|propose_ideas"
  "I never want videos longer than 30 seconds|remember_preferences"
  "what has been getting the most views lately?|query_knowledge"
  "thanks, that's great|reply"
  "what can you do?|reply"
  "please dig into cold brew coffee|research"
)
: >"$data/chats.tsv"
for chat in "${chats[@]}"; do
  message="${chat%%|*}"
  start=$(date +%s.%N)
  result=$(run "$message")
  end=$(date +%s.%N)
  used=$(echo "$result" | json_field '(data.get("pending_action") or {}).get("tool") or next((m.get("data") or {}).get("tools", ["reply"])[0] for m in reversed(data["messages"]) if m["role"] == "assistant")')
  printf '%s\t%s\t%s\t%s\n' "$message" "${chat##*|}" "$used" "$(python3 -c "print(round($end - $start, 1))")" >>"$data/chats.tsv"
done
python3 - "$data/chats.tsv" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
right = [r for r in rows if r[2] in r[1].split("/")]
seconds = [float(r[3]) for r in rows]
print(f"free chat: {len(right)}/{len(rows)} messages routed as a person would; "
      f"{statistics.median(seconds):.0f} s per message (median), {max(seconds):.0f} s at most")
for message, wanted, used, _ in rows:
    if used not in wanted.split("/"): print(f'  "{message}": {used} (wanted {wanted})')
PY
