/**
 * The model benchmarks: {@code training} (tokens/s and FLOP/s against the same model in PyTorch eager),
 * {@code training-memory} (heap, live arrays and RSS over many steps) and {@code generation} (cached and uncached
 * decoding, time to first token, images per minute, against PyTorch eager).
 *
 * <p>Entry types: {@link dev.chameleon.workbench.bench.trainer.TrainingBenchmark},
 * {@link dev.chameleon.workbench.bench.trainer.TrainingMemoryBenchmark},
 * {@link dev.chameleon.workbench.bench.trainer.GenerationBenchmark}.
 */
package dev.chameleon.workbench.bench.trainer;
