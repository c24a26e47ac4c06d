package dev.chameleon.workbench.curation.store;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.ReviewStatus;

/** What a grid shows of an example, without loading its conversation. */
public record ExampleRow(long id, long seq, Category category, ReviewStatus status, String harmCategory,
                         String preview, int textLength, int imageCount, String tags, String source) {
}
