#!/usr/bin/env bash
# Trains the small VQ image tokenizer on real photographs (Debian python3-skimage samples) and drawings
# (/usr/share/icons, /usr/share/pixmaps), then prints held-out PSNR, codebook use and images/s.
# Usage: benchmarks/scripts/bench-image-tokenizer.sh [--minutes 5] [--batch 16] [--lr 5e-4] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -d /usr/lib/python3/dist-packages/skimage/data ]; then
  apt-get install -y python3-skimage
fi

source benchmarks/scripts/bench-env.sh
bench_classpath "${WB_BUILD_DIR:-target-vq}"   # WB_SKIP_BUILD=1 reuses its classes and class path

# jemalloc avoids glibc page-fault storms on large activations (docs/platform.md#jemalloc), when installed.
bench_jemalloc dirty_decay_ms:-1,muzzy_decay_ms:-1

exec java -Xmx4g -Djava.awt.headless=true -Dai.djl.offline=true -cp "$CP" \
    dev.chameleon.workbench.bench.Benchmarks image-tokenizer --preset small "$@"
