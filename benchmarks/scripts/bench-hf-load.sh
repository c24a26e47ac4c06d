#!/usr/bin/env bash
# Hugging Face checkpoint loading: writes a random ~1B-parameter Chameleon in the Hugging Face layout (bf16
# shards of 1 GB, about 2.1 GB, once), loads it into the model in a fresh JVM and prints the load time and the
# peak resident set beside the fp32 model's size; then runs a few full fine-tuning steps of two model presets,
# each in its own JVM, and prints the measured peak memory growth beside MemoryEstimate's figure.
# Usage: benchmarks/scripts/bench-hf-load.sh [DIR]    (default /tmp/wb-hf-1b; needs about 6 GB of memory)
# WB_BUILD_DIR picks the build folder (default target-bench); WB_SKIP_BUILD=1 reuses its classes.
set -euo pipefail
cd "$(dirname "$0")/../.."

source benchmarks/scripts/bench-env.sh
bench_classpath "${WB_BUILD_DIR:-target-bench}"
dir="${1:-/tmp/wb-hf-1b}"
run() { java -Xmx2g -Dai.djl.offline=true -cp "$CP" dev.chameleon.workbench.bench.Benchmarks hf-load "$@"; }

run write --dir "$dir"
run load --dir "$dir"
run footprint --model small --seq 256 --batch 2
run footprint --model medium --seq 512 --batch 1
