#!/usr/bin/env bash
# Runs TextTokenizerBenchmark (our BPE vs spm_train and vs DJL's HF tokenizer) on ~50 MB of Debian text.
# Usage: benchmarks/scripts/bench-tokenizers.sh [--work DIR] [--mb N] [--vocab N] [--threads N]
# Installs what the corpus and the reference need (wamerican, sentencepiece) when missing; needs root for that.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v spm_train >/dev/null || [ ! -e /usr/share/dict/words ]; then
  apt-get install -y wamerican sentencepiece
fi

source benchmarks/scripts/bench-env.sh
bench_classpath "${WB_BUILD_DIR:-target-bench}"   # WB_SKIP_BUILD=1 reuses its classes and class path
exec java -Xmx6g -Dai.djl.offline=true -cp "$CP" \
  dev.chameleon.workbench.bench.Benchmarks text-tokenizer "$@"
