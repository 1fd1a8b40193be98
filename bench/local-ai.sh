#!/usr/bin/env bash
# Benchmark (not a test): the embedded models on this machine, each in its own process so peak
# RSS is its own. Text: SmolLM2 tokens/s. Speech: the Piper voice's real-time factor on a
# script of about 30 s. The numeric crates (candle, gemm) are built optimised even in the dev
# profile and Piper runs inside ONNX Runtime, so the dev build's figures are the real ones.
#
#   bench/local-ai.sh        (needs the models: scripts/models)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"
export RUST_LOG="${RUST_LOG:-warn}"
scripts/models
cargo build --locked --quiet -p ace-providers --example local_ai
for part in text speech; do
  "$CARGO_TARGET_DIR/debug/examples/local_ai" "$part"
done
