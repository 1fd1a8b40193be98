#!/usr/bin/env bash
# Benchmark (not a test): the web console in Debian's chromium. Builds a vidsheet of 200 rows x
# 10 columns (every ingredient cell holding a line of text) over the API, then reports the
# weight of the first page (HTML + CSS + JS a signed-out browser loads, and the same for the
# first signed-in page) and the grid's load in the browser: the server's answer, DOM ready and
# load, as the median of 5 loads. Runs a fresh debug server (scripts/with-fresh-server).
#
#   bench/console.sh [rows=200]
#
# Targets: first page under 100 KB; the 200 x 10 grid rendered in under 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd tests/console-browser && npm ci --no-audit --no-fund --silent)
ACE_RATE_LIMIT_PER_MINUTE=0 ROWS="${1:-200}" scripts/with-fresh-server -- node bench/console.mjs
