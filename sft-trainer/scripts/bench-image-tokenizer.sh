#!/usr/bin/env bash
# Trains the small VQ image tokenizer on real photographs (Debian python3-skimage samples) and drawings
# (/usr/share/icons, /usr/share/pixmaps), then prints held-out PSNR, codebook use and images/s.
# Usage: sft-trainer/scripts/bench-image-tokenizer.sh [--minutes 5] [--batch 16] [--lr 5e-4] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -d /usr/lib/python3/dist-packages/skimage/data ]; then
  apt-get install -y python3-skimage
fi

BUILD_DIR="${WB_BUILD_DIR:-target-vq}"
mvn -B -q -o -Dwb.buildDir="$BUILD_DIR" -pl sft-trainer -am compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/sft-trainer/$BUILD_DIR/classpath.txt" -Dmdep.includeScope=runtime
CP="sft-trainer/$BUILD_DIR/classes:$(cat "sft-trainer/$BUILD_DIR/classpath.txt")"

# jemalloc avoids glibc page-fault storms on large activations (docs/platform.md#jemalloc), when installed.
JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
if [ -f "$JEMALLOC" ]; then
  export LD_PRELOAD="$JEMALLOC" MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
fi

exec java -Xmx4g -Djava.awt.headless=true -Dai.djl.offline=true -cp "$CP" \
    dev.chameleon.workbench.trainer.tokens.image.VqTrainMain --preset small "$@"
