/**
 * The benchmarks' runnable jar: {@link dev.chameleon.workbench.bench.Benchmarks} picks a benchmark by name
 * ({@code java -jar benchmarks/target/benchmarks.jar NAME [OPTIONS]}) and hands it the rest of the arguments.
 *
 * <p>Entry type: {@link dev.chameleon.workbench.bench.Benchmarks}.
 */
package dev.chameleon.workbench.bench;
