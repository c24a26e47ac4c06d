#!/usr/bin/env bash
# Training memory benchmark (native memory and heap stay flat over 1,000 steps). Trains the tiny model
# preset for 1,000 steps on synthetic packed windows through SftRun's training loop and prints, every 100 steps,
# heap used after System.gc(), live NDArrays on the run's base manager and the process RSS (VmRSS), then the
# growth from step 100 to the last step and a verdict (exit status 1 when not flat).
# Usage: benchmarks/scripts/bench-training-memory.sh [--steps 1000] [--every 100] [--batch 4] [--seq 256]
#        [--accum 1] [--checkpoint-every 250] [--seed 7]
# WB_BUILD_DIR picks the build folder (default target-mem); WB_SKIP_BUILD=1 reuses its classes and classpath;
# WB_NO_JEMALLOC=1 runs on glibc malloc instead of jemalloc; WB_MALLOC_CONF overrides jemalloc's MALLOC_CONF
# (default background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0: freed pages go back to the system after a
# second; bench-training.sh's dirty_decay_ms:-1 never returns them, so RSS there is a high-water mark, not live use).
set -euo pipefail
cd "$(dirname "$0")/../.."

source benchmarks/scripts/bench-env.sh
bench_classpath "${WB_BUILD_DIR:-target-mem}"

# jemalloc, as the training benchmark uses it for the trainer (docs/platform.md#jemalloc).
if [ "${WB_NO_JEMALLOC:-0}" != 1 ]; then
  bench_jemalloc "${WB_MALLOC_CONF:-background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0}"
fi

exec java -Xmx1g -Dai.djl.offline=true -cp "$CP" \
    dev.chameleon.workbench.bench.Benchmarks training-memory "$@"
