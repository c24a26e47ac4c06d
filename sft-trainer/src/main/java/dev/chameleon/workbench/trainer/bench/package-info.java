/**
 * Benchmarks of training and generation speed and memory, each a {@code main} run by hand, never by the tests:
 * {@link dev.chameleon.workbench.trainer.bench.TrainingBenchmark}, {@link
 * dev.chameleon.workbench.trainer.bench.TrainingMemoryBenchmark}, {@link
 * dev.chameleon.workbench.trainer.bench.GenerationBenchmark}.
 */
package dev.chameleon.workbench.trainer.bench;
