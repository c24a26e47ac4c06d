package dev.chameleon.workbench.curation.search;

import java.util.List;

/** One page of hits: the example ids in rank order and the total number of matches. */
public record SearchPage(List<Long> ids, long total) {
}
