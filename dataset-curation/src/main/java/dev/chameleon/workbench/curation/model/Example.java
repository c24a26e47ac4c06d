package dev.chameleon.workbench.curation.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One SFT example: an ordered conversation plus what curation knows about it.
 *
 * @param id           the store's id; 0 for an example not stored yet
 * @param messages     the conversation, in order
 * @param category     one of the six SFT categories
 * @param source       the file and line (or record index) it was imported from
 * @param tags         free labels, kept in insertion order
 * @param status       review status
 * @param harmCategory the harm taxonomy id for Safety examples, else null
 * @param metadata     free key/value metadata carried from the source
 * @param tools        the tool schema offered to the model (a JSON array as the source wrote it), or null
 * @param rejected     a preference pair's rejected answer (the turns that replace the final answer), or empty
 */
public record Example(long id, List<Message> messages, Category category, Source source, Set<String> tags,
                      ReviewStatus status, String harmCategory, Map<String, String> metadata, String tools,
                      List<Message> rejected) {

    public Example {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
        messages = List.copyOf(messages);
        tags = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(tags));
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tools = tools == null || tools.isBlank() ? null : tools;
        rejected = rejected == null ? List.of() : List.copyOf(rejected);
    }

    /** An example without tools or a rejected answer. */
    public Example(long id, List<Message> messages, Category category, Source source, Set<String> tags,
                   ReviewStatus status, String harmCategory, Map<String, String> metadata) {
        this(id, messages, category, source, tags, status, harmCategory, metadata, null, List.of());
    }

    /** A new, unstored, pending example. */
    public static Example of(List<Message> messages, Category category, Source source) {
        return new Example(0, messages, category, source, Set.of(), ReviewStatus.PENDING, null, Map.of());
    }

    public Example withId(long newId) {
        return new Example(newId, messages, category, source, tags, status, harmCategory, metadata, tools, rejected);
    }

    public Example withCategory(Category c) {
        return new Example(id, messages, c, source, tags, status, harmCategory, metadata, tools, rejected);
    }

    public Example withStatus(ReviewStatus s) {
        return new Example(id, messages, category, source, tags, s, harmCategory, metadata, tools, rejected);
    }

    public Example withHarmCategory(String h) {
        return new Example(id, messages, category, source, tags, status, h, metadata, tools, rejected);
    }

    public Example withTags(Set<String> t) {
        return new Example(id, messages, category, source, t, status, harmCategory, metadata, tools, rejected);
    }

    public Example withMetadata(Map<String, String> m) {
        return new Example(id, messages, category, source, tags, status, harmCategory, m, tools, rejected);
    }

    public Example withTools(String t) {
        return new Example(id, messages, category, source, tags, status, harmCategory, metadata, t, rejected);
    }

    public Example withRejected(List<Message> r) {
        return new Example(id, messages, category, source, tags, status, harmCategory, metadata, tools, r);
    }

    /** True when the example carries a rejected answer (a preference pair). */
    public boolean hasRejected() {
        return !rejected.isEmpty();
    }

    /** True when an image is known only by its address and is not in the image store. */
    public boolean hasRemoteImage() {
        for (Message m : messages) {
            if (m.hasRemoteImage()) {
                return true;
            }
        }
        return false;
    }

    public int imageCount() {
        int n = 0;
        for (Message m : messages) {
            n += (int) m.imageCount();
        }
        return n;
    }

    public boolean hasImage() {
        return imageCount() > 0;
    }

    /** Every image key in conversation order (repeats kept). */
    public List<String> imageKeys() {
        List<String> keys = new ArrayList<>();
        for (Message m : messages) {
            for (Part p : m.parts()) {
                if (p instanceof Part.Image i) {
                    keys.add(i.sha256());
                }
            }
        }
        return keys;
    }

    /** All text of the conversation, one message per line block. */
    public String allText() {
        StringBuilder sb = new StringBuilder();
        for (Message m : messages) {
            String t = m.text();
            if (!t.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(t);
            }
        }
        return sb.toString();
    }

    /** Number of characters of text across all messages. */
    public int textLength() {
        int n = 0;
        for (Message m : messages) {
            for (Part p : m.parts()) {
                if (p instanceof Part.Text t) {
                    n += t.text().length();
                }
            }
        }
        return n;
    }

    /** The first user message's text, for lists and previews. */
    public String prompt() {
        for (Message m : messages) {
            if (m.role() == Role.USER) {
                return m.text();
            }
        }
        return messages.isEmpty() ? "" : messages.get(0).text();
    }
}
