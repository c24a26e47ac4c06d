/**
 * Writing datasets out: canonical JSONL exports with their images, and immutable versioned snapshots for the
 * trainer, each with a manifest and a content hash.
 *
 * <p>Entry types: {@link dev.chameleon.workbench.curation.snapshot.SnapshotWriter},
 * {@link dev.chameleon.workbench.curation.snapshot.Snapshot} and
 * {@link dev.chameleon.workbench.curation.snapshot.ExportResult}.
 */
package dev.chameleon.workbench.curation.snapshot;
