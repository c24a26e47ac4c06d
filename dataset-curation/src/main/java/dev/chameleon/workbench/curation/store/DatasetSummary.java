package dev.chameleon.workbench.curation.store;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.ReviewStatus;

import java.util.Map;

/** A dataset with its example counts per category and per review status. */
public record DatasetSummary(Dataset dataset, long total, Map<Category, Long> byCategory,
                             Map<ReviewStatus, Long> byStatus, long withImages) {
    public long count(Category c) {
        return byCategory.getOrDefault(c, 0L);
    }

    public long count(ReviewStatus s) {
        return byStatus.getOrDefault(s, 0L);
    }
}
