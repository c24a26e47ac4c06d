/**
 * The side-by-side view ({@link dev.chameleon.workbench.web.compare.CompareView}): one prompt answered by two
 * checkpoints (or one checkpoint with two settings), a rating of the pair, and win rates over the ratings kept in
 * {@code WORKSPACE/ratings/ratings.jsonl}.
 */
package dev.chameleon.workbench.web.compare;
