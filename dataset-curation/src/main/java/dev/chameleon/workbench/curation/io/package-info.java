/**
 * Reading what people have into examples: format detection, JSON/JSONL/CSV/TSV (gzip too), WebDataset shards,
 * folders of captioned images, LLaMA-Factory registries, column mappings and image resolution; every refused
 * record becomes a problem with file, line and reason.
 *
 * <p>Entry types: {@link dev.chameleon.workbench.curation.io.SourceReader} (reads one input and hands examples and
 * problems to an {@link dev.chameleon.workbench.curation.io.ImportListener}), {@link dev.chameleon.workbench.curation.io.Format},
 * {@link dev.chameleon.workbench.curation.io.ImportOptions}, {@link dev.chameleon.workbench.curation.io.ColumnMap},
 * {@link dev.chameleon.workbench.curation.io.DatasetRegistry}, and what an import reports:
 * {@link dev.chameleon.workbench.curation.io.ImportReport}, {@link dev.chameleon.workbench.curation.io.ImportProgress},
 * {@link dev.chameleon.workbench.curation.io.ImportProblem}, {@link dev.chameleon.workbench.curation.io.ImportPreview}
 * and {@link dev.chameleon.workbench.curation.io.ReadSummary}. Cursors, converters and guards are package-private.
 */
package dev.chameleon.workbench.curation.io;
