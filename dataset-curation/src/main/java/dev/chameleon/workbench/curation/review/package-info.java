/**
 * Bulk review: one action (a status, a category or a tag) over many examples, what it did to each, and its undo.
 *
 * <p>Entry types: {@link dev.chameleon.workbench.curation.review.ReviewAction},
 * {@link dev.chameleon.workbench.curation.review.Outcome}, {@link dev.chameleon.workbench.curation.review.BulkReview}
 * and {@link dev.chameleon.workbench.curation.review.BulkUndo}.
 */
package dev.chameleon.workbench.curation.review;
