"""Drives bench/vidsheet.sh: builds the big engine over HTTP and reports the figures."""

import http.client
import json
import statistics
import sys
import time

ADDRESS, KEY, ROWS, GETS, CLONES = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
INGREDIENT_COLUMNS = 7  # with VIDEO, FINAL VIDEO and STATS: 10 columns
LAYERS_PER_VIDEO_CELL = 5
connection = http.client.HTTPConnection(ADDRESS)


def call(method, path, body=None):
    connection.request(method, path, body=None if body is None else json.dumps(body),
                       headers={"X-API-Key": KEY, "Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {data[:300]!r}")
    return data


def statements():
    for line in call("GET", "/metrics").decode().splitlines():
        if line.startswith("ace_db_statements_total "):
            return int(line.split()[1])
    raise SystemExit("no ace_db_statements_total on /metrics")


agent = json.loads(call("GET", "/v1/agents"))[0]["id"]
q = f"?agent_id={agent}"
sheet = json.loads(call("POST", f"/v1/autocontentengine{q}", {"spreadsheet": {"title": "Bench"}}))["id"]
for n in range(INGREDIENT_COLUMNS):
    call("POST", f"/v1/autocontentengine/{sheet}/columns{q}", {"title": f"TEXT {n + 1}", "type": "text"})
started = time.perf_counter()
for _ in range(ROWS):
    row = json.loads(call("POST", f"/v1/autocontentengine/{sheet}/rows{q}", {}))
    video = next(c for c in row["spreadsheet_cells"] if c["cell_role"] == "video")
    for n in range(LAYERS_PER_VIDEO_CELL):
        call("POST", f"/v1/autocontentengine/{sheet}/cells/{video['id']}/layers{q}", {
            "name": f"Layer {n}", "type": "text",
            "additional_attributes": {"content": "Hook {{TEXT 1}}", "from": n * 30, "durationInFrames": 90,
                                      "styles": {"fontSize": "64px", "color": "#ffffff",
                                                 "animation": {"enter": "fadeIn", "exit": "fadeOut"}}}})
build_s = time.perf_counter() - started
full = call("GET", f"/v1/autocontentengine/{sheet}{q}")
engine = json.loads(full)
cells = sum(len(r["spreadsheet_cells"]) for r in engine["spreadsheet_rows"])
layers = sum(len(c["video_layers"]) for r in engine["spreadsheet_rows"] for c in r["spreadsheet_cells"])
print(f"engine: {len(engine['spreadsheet_rows'])} rows x {len(engine['spreadsheet_columns'])} columns = {cells} cells, "
      f"{layers} layers; response {len(full) / 1024:.0f} KiB; built over HTTP in {build_s:.1f} s")

# Statements per GET, for a small and the big engine: equal counts mean no query per row or cell.
small = json.loads(call("POST", f"/v1/autocontentengine{q}", {"spreadsheet": {"title": "Small"}}))["id"]
call("POST", f"/v1/autocontentengine/{small}/rows{q}", {})
counts = {}
for name, target in (("1 row", small), (f"{ROWS} rows", sheet)):
    before = statements()
    call("GET", f"/v1/autocontentengine/{target}{q}")
    counts[name] = statements() - before
print("SQL statements per GET: " + ", ".join(f"{name} {count}" for name, count in counts.items()))

for _ in range(10):
    call("GET", f"/v1/autocontentengine/{sheet}{q}")
timings = []
for _ in range(GETS):
    started = time.perf_counter()
    call("GET", f"/v1/autocontentengine/{sheet}{q}")
    timings.append((time.perf_counter() - started) * 1000)
timings.sort()
p50 = statistics.median(timings)
p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
print(f"GET full engine: p50 {p50:.1f} ms, p99 {p99:.1f} ms over {GETS} sequential requests")

clone_ms = []
for _ in range(CLONES):
    started = time.perf_counter()
    clone = json.loads(call("POST", f"/v1/autocontentengine/{sheet}/clone{q}", {}))
    clone_ms.append((time.perf_counter() - started) * 1000)
    assert len(clone["spreadsheet_rows"]) == ROWS
print(f"clone: median {statistics.median(clone_ms):.0f} ms, worst {max(clone_ms):.0f} ms over {CLONES} clones "
      f"(the answer includes the whole new engine)")

verdict = lambda ok: "met" if ok else "MISSED"
print(f"constant statements (no N+1): {verdict(len(set(counts.values())) == 1)}")
print(f"p99 {p99:.1f} ms (target < 50 ms): {verdict(p99 < 50)}")
print(f"clone {max(clone_ms):.0f} ms (target < 1000 ms): {verdict(max(clone_ms) < 1000)}")
