#!/usr/bin/env bash
# Runs TextTokenizerBenchmark (our BPE vs spm_train and vs DJL's HF tokenizer) on ~50 MB of Debian text.
# Usage: sft-trainer/scripts/bench-tokenizers.sh [--work DIR] [--mb N] [--vocab N] [--threads N]
# Installs what the corpus and the reference need (wamerican, sentencepiece) when missing; needs root for that.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v spm_train >/dev/null || [ ! -e /usr/share/dict/words ]; then
  apt-get install -y wamerican sentencepiece
fi

BUILD_DIR=${WB_BUILD_DIR:-target-bench}
mvn -B -q -o -Dwb.buildDir="$BUILD_DIR" -pl sft-trainer -am compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/sft-trainer/$BUILD_DIR/bench.classpath" -DskipTests
CP="sft-trainer/$BUILD_DIR/classes:dataset-curation/$BUILD_DIR/classes:$(cat "sft-trainer/$BUILD_DIR/bench.classpath")"
exec java -Xmx6g -Dai.djl.offline=true -cp "$CP" \
  dev.chameleon.workbench.trainer.tokens.text.TextTokenizerBenchmark "$@"
