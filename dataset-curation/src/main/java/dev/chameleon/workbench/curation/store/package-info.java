/**
 * The workspace's H2 database, one repository per kind of record behind one facade.
 *
 * <p>Entry type: {@link dev.chameleon.workbench.curation.store.ExampleStore} (opens the database and answers for
 * datasets, examples, review, search-index catch-up, import jobs and snapshots), with the rows it returns
 * ({@link dev.chameleon.workbench.curation.store.Dataset}, {@link dev.chameleon.workbench.curation.store.DatasetSummary},
 * {@link dev.chameleon.workbench.curation.store.ExampleRow}, {@link dev.chameleon.workbench.curation.store.InsertResult},
 * {@link dev.chameleon.workbench.curation.store.ImportJob}, {@link dev.chameleon.workbench.curation.store.SnapshotRecord}),
 * its companion on the same database ({@link dev.chameleon.workbench.curation.store.ReviewBatches}, bulk review and
 * undo) and
 * {@link dev.chameleon.workbench.curation.store.WorkspaceLockedException}. The repositories (Database,
 * DatasetRepository, ExampleRepository, IndexDirtyLog, ImportJobRepository, SnapshotRepository) are package-private.
 */
package dev.chameleon.workbench.curation.store;
