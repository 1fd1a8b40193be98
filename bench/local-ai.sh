#!/usr/bin/env bash
# Benchmark (not a test): the embedded models on this machine, each in its own process so peak
# RSS is its own. Text: SmolLM2 tokens/s. Speech: the Piper voice's real-time factor on a
# script of about 30 s. Captions: Whisper base's real-time factor on that speech. Built in
# release, as the server ships (the first build takes a while).
#
#   bench/local-ai.sh        (needs the models: scripts/models)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"
export RUST_LOG="${RUST_LOG:-warn}"
scripts/models
cargo build --locked --quiet --release -p ace-providers --example local_ai
for part in text speech captions; do
  cargo run --locked --quiet --release -p ace-providers --example local_ai -- "$part"
done
