#!/usr/bin/env python3
"""Runs one command and reports, as JSON on stdout: wall seconds, CPU seconds (user + system of
the whole process tree) and the peak resident memory of the tree (the sum of every
descendant's RSS, sampled every 20 ms), in MiB.

    measure.py -- COMMAND [ARGS...]
"""

import json
import os
import resource
import subprocess
import sys
import time


def tree_rss_kib(root: int) -> int:
    """The summed VmRSS of `root` and its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(
                    line.split(":", 1) for line in status.read().splitlines() if ":" in line
                )
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields["PPid"].strip()), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def main() -> None:
    command = sys.argv[sys.argv.index("--") + 1 :]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kib(process.pid))
        time.sleep(0.02)
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"measure: {command[0]} exited with {process.returncode}")
    print(
        json.dumps(
            {
                "wall_s": round(wall, 2),
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                "peak_rss_mib": round(peak / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
