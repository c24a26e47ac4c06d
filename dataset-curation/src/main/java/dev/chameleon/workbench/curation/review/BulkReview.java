package dev.chameleon.workbench.curation.review;

import java.util.Map;

/**
 * What a bulk review did.
 *
 * @param batchId   the batch to pass to undo
 * @param matched   examples the search matched
 * @param changed   examples changed (what undo restores)
 * @param unchanged examples that already had the value
 * @param skipped   examples left as they were because the change would break a rule, counted by reason
 */
public record BulkReview(long batchId, String dataset, String action, long matched, long changed, long unchanged,
                         Map<String, Long> skipped, double seconds) {

    public BulkReview {
        skipped = Map.copyOf(skipped);
    }

    public long skippedCount() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
}
