/**
 * The packing benchmark ({@code packing}): best-fit decreasing against first-fit on a synthetic mix of rendered
 * lengths.
 *
 * <p>Entry type: {@link dev.chameleon.workbench.bench.pack.PackingBenchmark}.
 */
package dev.chameleon.workbench.bench.pack;
