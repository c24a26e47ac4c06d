# Shared set-up of the benchmark scripts (sourced, not run): the PyTorch peer's Debian packages, the class path of
# a private build folder, and jemalloc for the JVM (docs/platform.md#jemalloc: no glibc page-fault storms on large
# activations). The caller has cd'ed to the repository root.

# Installs what the PyTorch eager peer needs when missing: python3-torch (1.13) with libopenblas0-pthread for a
# fast BLAS, and libjemalloc2 for the JVM.
bench_install_peer() {
  local missing=()
  dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
  dpkg -s libopenblas0-pthread >/dev/null 2>&1 || missing+=(libopenblas0-pthread)
  dpkg -s libjemalloc2 >/dev/null 2>&1 || missing+=(libjemalloc2)
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get install -y "${missing[@]}"
  fi
}

# Compiles the benchmarks module and what it depends on into the build folder $1 (unless WB_SKIP_BUILD=1 reuses
# it) and sets CP to their classes plus the runtime class path. The benchmarks start through
# dev.chameleon.workbench.bench.Benchmarks NAME, as in benchmarks.jar.
bench_classpath() {
  local dir="$1"
  if [ "${WB_SKIP_BUILD:-0}" != 1 ]; then
    mvn -B -q -Dwb.buildDir="$dir" -pl benchmarks -am compile dependency:build-classpath \
        -Dmdep.outputFile="$PWD/benchmarks/$dir/classpath.txt" -Dmdep.includeScope=runtime
  fi
  CP="benchmarks/$dir/classes:sft-trainer/$dir/classes:dataset-curation/$dir/classes:$(cat "benchmarks/$dir/classpath.txt")"
}

# Preloads jemalloc with MALLOC_CONF $1 when it is installed.
bench_jemalloc() {
  local jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
  if [ -f "$jemalloc" ]; then
    export LD_PRELOAD="$jemalloc" MALLOC_CONF="$1"
  fi
}
