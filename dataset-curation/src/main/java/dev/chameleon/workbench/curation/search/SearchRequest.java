package dev.chameleon.workbench.curation.search;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.ReviewStatus;

/**
 * A search within one dataset: a query in the documented syntax plus optional filters (null means any).
 */
public record SearchRequest(String dataset, String query, Category category, ReviewStatus status, Boolean hasImage) {

    public static SearchRequest of(String dataset, String query) {
        return new SearchRequest(dataset, query, null, null, null);
    }

    /** True when nothing narrows the dataset: the grid can page the database directly. */
    public boolean isUnfiltered() {
        return (query == null || query.isBlank()) && category == null && status == null && hasImage == null;
    }
}
