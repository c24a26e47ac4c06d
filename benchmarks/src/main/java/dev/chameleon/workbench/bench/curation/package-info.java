/**
 * The curation benchmark ({@code curation}): import rate against Jackson's bare parse rate, peak heap, index size,
 * search and grid page latency on generated data.
 *
 * <p>Entry type: {@link dev.chameleon.workbench.bench.curation.CurationBenchmark}.
 */
package dev.chameleon.workbench.bench.curation;
