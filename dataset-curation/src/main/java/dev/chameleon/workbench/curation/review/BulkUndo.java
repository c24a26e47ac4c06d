package dev.chameleon.workbench.curation.review;

/**
 * What undoing a bulk review did.
 *
 * @param restored examples whose field went back to its value before the batch
 */
public record BulkUndo(long batchId, String dataset, String action, long restored, double seconds) {
}
