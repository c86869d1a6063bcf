#!/usr/bin/env bash
# Benchmark (not a test): GPT-2 small forward, ours vs a GPT-2-shaped model built from PyTorch's
# own nn.TransformerEncoderLayer (eager and torch.compile), same torch, same threads, same run.
# Prints every figure, the ratios and our MFU against the measured GEMM peak.
#   bench/run.sh [threads=2] [min_seconds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
MIN_SECONDS=${2:-3}
BUILD_DIR=${MODELCARD_BUILD_DIR:-build}
VENV=${MODELCARD_CACHE:-$HOME/.cache/modelcard}/torch-2.15.0
[ -x "$BUILD_DIR/bench_gpt2_forward" ] || cmake --build "$BUILD_DIR" --target bench_gpt2_forward >&2
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "== modelcard engine (LibTorch C++) ==" >&2
"$BUILD_DIR/bench_gpt2_forward" "$THREADS" "$MIN_SECONDS" | tee "$OUT/ours.jsonl" >&2
echo "== PyTorch nn.TransformerEncoderLayer, eager and torch.compile ==" >&2
"$VENV/bin/python" bench/reference_gpt2.py --threads "$THREADS" --min-seconds "$MIN_SECONDS" | tee "$OUT/ref.jsonl" >&2
"$VENV/bin/python" bench/report.py "$OUT/ours.jsonl" "$OUT/ref.jsonl"
