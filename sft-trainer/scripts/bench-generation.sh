#!/usr/bin/env bash
# Generation benchmark (issue 5, Must show): decode tok/s with and without the KV cache at a 1,024-token
# context, time to first token, images per minute for the tiny preset, and the same model's cached decoding in
# PyTorch eager mode (Debian python3-torch + libopenblas0-pthread, best of two thread settings).
# Usage: sft-trainer/scripts/bench-generation.sh [--models tiny,small] [--context 1024] [--decode 128]
#        [--uncached 6] [--images 3] [--no-peer]
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || missing+=(libopenblas0-pthread)
dpkg -s libjemalloc2 >/dev/null 2>&1 || missing+=(libjemalloc2)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y "${missing[@]}"
fi

BUILD_DIR="${WB_BUILD_DIR:-target-gbench}"
# WB_SKIP_BUILD=1 reuses the classes and classpath already in $BUILD_DIR.
if [ "${WB_SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -o -Dwb.buildDir="$BUILD_DIR" -pl sft-trainer -am compile dependency:build-classpath \
      -Dmdep.outputFile="$PWD/sft-trainer/$BUILD_DIR/classpath.txt" -Dmdep.includeScope=runtime
fi
CP="sft-trainer/$BUILD_DIR/classes:$(cat "sft-trainer/$BUILD_DIR/classpath.txt")"

JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
if [ -f "$JEMALLOC" ]; then
  export LD_PRELOAD="$JEMALLOC" MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
fi

# Intra-op threads for our side (WB_GEN_THREADS, default 1: decoding one token is many small ops, and a
# second thread only adds synchronisation on a busy 2-core machine; the peer tries 1 and 2 threads).
exec java -Xmx4g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${WB_GEN_THREADS:-1}" -cp "$CP" \
    dev.chameleon.workbench.trainer.bench.GenerationBenchmark --python /usr/bin/python3 \
    --peer sft-trainer/scripts/torch_gen_peer.py "$@"
