#!/usr/bin/env bash
# Benchmark (not a test): every text card of the shipped templates, on their sample rows, by
# each embedded text model installed (Qwen2.5-Coder-0.5B-Instruct, SmolLM2-135M-Instruct):
# the share of outputs that meet every limit their prompt states, seconds per cell (one-line
# cells apart, with the slowest) and tokens written per second. Release build, as the server
# ships. `-v` prints every output.
#
#   bench/local-text.sh [-v]        (needs the models: scripts/models)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"
export RUST_LOG="${RUST_LOG:-warn}"
scripts/models
cargo build --locked --quiet --release -p ace-providers --example local_text
cargo run --locked --quiet --release -p ace-providers --example local_text -- templates "$@"
