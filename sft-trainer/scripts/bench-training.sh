#!/usr/bin/env bash
# Training benchmark (issue 4, Must show): our DJL trainer vs the same model in PyTorch eager mode,
# plus a large fp32 matmul measured in the same JVM; one table at two sizes (small ~8M at T=512,
# medium ~34M at T=1024), batch 4, fp32.
# Usage: sft-trainer/scripts/bench-training.sh [--sizes small:512,medium:1024] [--batch 4] [--warmup 2]
#        [--steps 8,4] [--matmul 2048] [--no-peer]
set -euo pipefail
cd "$(dirname "$0")/../.."

# The peer: Debian's python3-torch (1.13) needs libopenblas0-pthread for a fast BLAS; jemalloc for the JVM.
missing=()
dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || missing+=(libopenblas0-pthread)
dpkg -s libjemalloc2 >/dev/null 2>&1 || missing+=(libjemalloc2)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y "${missing[@]}"
fi

BUILD_DIR="${WB_BUILD_DIR:-target-tbench}"
# WB_SKIP_BUILD=1 reuses the classes and classpath already in $BUILD_DIR.
if [ "${WB_SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -o -Dwb.buildDir="$BUILD_DIR" -pl sft-trainer -am compile dependency:build-classpath \
      -Dmdep.outputFile="$PWD/sft-trainer/$BUILD_DIR/classpath.txt" -Dmdep.includeScope=runtime
fi
CP="sft-trainer/$BUILD_DIR/classes:$(cat "sft-trainer/$BUILD_DIR/classpath.txt")"

# jemalloc avoids glibc page-fault storms on large activations (PLATFORM-NOTES). The benchmark removes
# it from the PyTorch peer's environment and gives the peer its own thread settings.
JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
if [ -f "$JEMALLOC" ]; then
  export LD_PRELOAD="$JEMALLOC" MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
fi

exec java -Xmx4g -Dai.djl.offline=true -cp "$CP" \
    dev.chameleon.workbench.trainer.bench.TrainingBenchmark --python /usr/bin/python3 \
    --peer sft-trainer/scripts/torch_peer.py "$@"
