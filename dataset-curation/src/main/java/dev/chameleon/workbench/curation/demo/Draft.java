package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Message;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One generated conversation before it becomes an {@code Example}: the generators fill this in, and
 * {@link DemoDataset} adds the source, status and common tags.
 *
 * @param harmCategory the taxonomy id for Safety drafts, else null
 * @param tags         tags beyond "demo", e.g. "harmless-lookalike"
 * @param metadata     what a checker needs without parsing the text: task, shape, colour, expect, heldout
 */
record Draft(Category category, List<Message> messages, String harmCategory, Set<String> tags,
             Map<String, String> metadata) {

    Draft {
        messages = List.copyOf(messages);
        tags = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(tags));
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    static Draft of(Category category, String task, Message... messages) {
        return new Draft(category, List.of(messages), null, Set.of(), Map.of("task", task));
    }

    Draft with(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put(key, value);
        return new Draft(category, messages, harmCategory, tags, m);
    }

    Draft tagged(String tag) {
        Set<String> t = new LinkedHashSet<>(tags);
        t.add(tag);
        return new Draft(category, messages, harmCategory, t, metadata);
    }

    Draft harm(String id) {
        return new Draft(category, messages, id, tags, metadata);
    }

    /** Marks a held-out draft with why it is unseen: new_phrasing, new_picture, new_pair or new_content. */
    Draft heldOut(String why) {
        return with("heldout", why);
    }
}
