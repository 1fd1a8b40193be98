"""Drives bench/generations.sh: triggers media generations and times them to the callback."""

import http.client
import json
import statistics
import struct
import sys
import threading
import time
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ADDRESS, KEY, LOAD, PACED = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
CLIENTS = 8
completed_at = {}
lock = threading.Lock()
done = threading.Condition(lock)


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        now = time.perf_counter()
        event = json.loads(body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        if event["type"] == "generation.completed":
            with done:
                completed_at.setdefault(event["data"]["id"], now)
                done.notify_all()

    def log_message(self, *args):
        pass


sink = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=sink.serve_forever, daemon=True).start()
local = threading.local()


def call(method, path, body=None, content_type="application/json"):
    if not hasattr(local, "connection"):
        local.connection = http.client.HTTPConnection(ADDRESS)
    data = body if isinstance(body, bytes) or body is None else json.dumps(body)
    local.connection.request(method, path, body=data, headers={"X-API-Key": KEY, "Content-Type": content_type})
    response = local.connection.getresponse()
    payload = response.read()
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {payload[:300]!r}")
    return json.loads(payload) if payload else None


agent = call("GET", "/v1/agents")[0]["id"]
q = f"?agent_id={agent}"


def tiny_png():
    """A 1x1 white PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


png = tiny_png()
boundary = uuid.uuid4().hex
form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"content_resource[file]\"; filename=\"dot.png\"\r\n"
        f"Content-Type: image/png\r\n\r\n").encode() + png + f"\r\n--{boundary}--\r\n".encode()
resource = call("POST", f"/v1/content_resources{q}", form, f"multipart/form-data; boundary={boundary}")
resource_id = resource["content_resource"]["id"]
call("PATCH", f"/v1/agents/{agent}/automation_config",
     {"automation_config": {"callback_url": f"http://127.0.0.1:{sink.server_port}/callback"}})
sheet = call("POST", f"/v1/autocontentengine{q}", {"spreadsheet": {"title": "Bench"}})["id"]
cells = []
for _ in range(CLIENTS):
    row = call("POST", f"/v1/autocontentengine/{sheet}/rows{q}", {})
    cells.append(next(c["id"] for c in row["spreadsheet_cells"] if c["cell_role"] == "video"))
card = {"generation_type": "media", "data": {"content_resource_id": resource_id}}


def trigger(cell):
    started = time.perf_counter()
    generation = call("POST", f"/v1/autocontentengine/{sheet}/cells/{cell}/generate{q}", card)["generation_id"]
    return generation, started


def wait_all(ids, timeout=300):
    deadline = time.perf_counter() + timeout
    with done:
        while not all(i in completed_at for i in ids):
            left = deadline - time.perf_counter()
            if left <= 0:
                raise SystemExit(f"only {sum(i in completed_at for i in ids)} of {len(ids)} completed")
            done.wait(left)


# Load: every client triggers as fast as it can.
began = time.perf_counter()
with ThreadPoolExecutor(CLIENTS) as pool:
    triggered = list(pool.map(trigger, (cells[n % CLIENTS] for n in range(LOAD))))
triggers_done = time.perf_counter()
wait_all([g for g, _ in triggered])
ended = max(completed_at[g] for g, _ in triggered)
rate = LOAD / (ended - began)
print(f"load: {LOAD} generations, {CLIENTS} clients: triggered in {triggers_done - began:.2f} s, "
      f"all completed and called back in {ended - began:.2f} s: {rate:.0f} generations/s")

# Paced: one at a time, 20 a second, far from saturation.
latencies = []
for n in range(PACED):
    generation, started = trigger(cells[n % CLIENTS])
    wait_all([generation], timeout=30)
    latencies.append((completed_at[generation] - started) * 1000)
    time.sleep(max(0.0, 0.05 - (time.perf_counter() - started)))
latencies.sort()
p50 = statistics.median(latencies)
p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
print(f"paced: {PACED} generations one at a time: trigger -> completed callback p50 {p50:.1f} ms, p99 {p99:.1f} ms")
