#!/usr/bin/env bash
# Training benchmark: our DJL trainer vs the same model in PyTorch eager mode,
# plus a large fp32 matmul measured in the same JVM; one table at two sizes (small ~8M at T=512,
# medium ~34M at T=1024), batch 4, fp32.
# Usage: benchmarks/scripts/bench-training.sh [--sizes small:512,medium:1024] [--batch 4] [--warmup 2]
#        [--steps 8,4] [--matmul 2048] [--no-peer]
set -euo pipefail
cd "$(dirname "$0")/../.."

source benchmarks/scripts/bench-env.sh
bench_install_peer

bench_classpath "${WB_BUILD_DIR:-target-tbench}"   # WB_SKIP_BUILD=1 reuses its classes and class path

# jemalloc avoids glibc page-fault storms on large activations (docs/platform.md#jemalloc). The benchmark removes
# it from the PyTorch peer's environment and gives the peer its own thread settings.
bench_jemalloc dirty_decay_ms:-1,muzzy_decay_ms:-1

exec java -Xmx4g -Dai.djl.offline=true -cp "$CP" \
    dev.chameleon.workbench.bench.Benchmarks training --python /usr/bin/python3 \
    --peer benchmarks/scripts/torch_peer.py "$@"
