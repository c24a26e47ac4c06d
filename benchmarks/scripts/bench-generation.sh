#!/usr/bin/env bash
# Generation benchmark: decode tok/s with and without the KV cache at a 1,024-token
# context, time to first token, images per minute for the tiny preset, and the same model's cached decoding in
# PyTorch eager mode (Debian python3-torch + libopenblas0-pthread, best of two thread settings).
# Usage: benchmarks/scripts/bench-generation.sh [--models tiny,small] [--context 1024] [--decode 128]
#        [--uncached 6] [--images 3] [--no-peer]
set -euo pipefail
cd "$(dirname "$0")/../.."

source benchmarks/scripts/bench-env.sh
bench_install_peer

bench_classpath "${WB_BUILD_DIR:-target-gbench}"   # WB_SKIP_BUILD=1 reuses its classes and class path

bench_jemalloc dirty_decay_ms:-1,muzzy_decay_ms:-1

# Intra-op threads for our side (WB_GEN_THREADS, default 1: decoding one token is many small ops, and a
# second thread only adds synchronisation on a busy 2-core machine; the peer tries 1 and 2 threads).
exec java -Xmx4g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${WB_GEN_THREADS:-1}" -cp "$CP" \
    dev.chameleon.workbench.bench.Benchmarks generation --python /usr/bin/python3 \
    --peer benchmarks/scripts/torch_gen_peer.py "$@"
