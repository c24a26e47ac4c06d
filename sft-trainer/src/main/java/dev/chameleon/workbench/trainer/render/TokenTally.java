package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.curation.model.Category;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** Adds token counts up per category; not thread-safe. */
public final class TokenTally {

    private final Map<Category, CategoryTokens> byCategory = new EnumMap<>(Category.class);

    public void add(Category category, TokenCount count) {
        byCategory.merge(category, CategoryTokens.ZERO.plus(count), CategoryTokens::plus);
    }

    /** Counts per category, only categories that were seen, in the enum's order. */
    public Map<Category, CategoryTokens> byCategory() {
        return Collections.unmodifiableMap(byCategory);
    }

    public CategoryTokens total() {
        CategoryTokens t = CategoryTokens.ZERO;
        for (CategoryTokens c : byCategory.values()) {
            t = t.plus(c);
        }
        return t;
    }
}
