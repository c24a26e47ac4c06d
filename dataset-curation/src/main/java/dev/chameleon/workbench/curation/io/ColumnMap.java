package dev.chameleon.workbench.curation.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Column mappings: which source field (or message tag value) feeds each of our fields. A mapping is keyed by OUR
 * field name, e.g. {@code {prompt=question, response=answer}}.
 *
 * <p>The command line writes a mapping as {@code a=b,c=d}. People write either direction, so each entry is read by
 * which side is one of our names: {@code question=prompt} and {@code prompt=question} both say that the source's
 * {@code question} feeds our {@code prompt}. When both sides are ours ({@code prompt=response}) the left one is the
 * source's field, as in the first spelling.
 */
public final class ColumnMap {

    /** Our record-level field names. */
    public static final List<String> FIELDS = List.of("prompt", "response", "system", "history", "messages", "images",
            "tools", "chosen", "rejected", "label", "category", "harm", "tags", "id", "input");

    /** Our message-level names: which key holds a turn's role and content, and which role values mean what. */
    public static final List<String> TAGS = List.of("role_tag", "content_tag", "user_tag", "assistant_tag",
            "observation_tag", "function_tag", "system_tag");

    private static final Set<String> OURS;

    static {
        Set<String> s = new java.util.LinkedHashSet<>(FIELDS);
        s.addAll(TAGS);
        OURS = java.util.Collections.unmodifiableSet(s);
    }

    private ColumnMap() {
    }

    /** True for one of our field or tag names. */
    public static boolean isOurs(String name) {
        return OURS.contains(name);
    }

    /**
     * Parses the command-line form, {@code "question=prompt,answer=response"}; blank text is an empty mapping.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code a=b}, names none of our fields, or maps
     *                                  one of our fields twice
     */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String entry : text.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            String left = eq < 0 ? "" : e.substring(0, eq).strip();
            String right = eq < 0 ? "" : e.substring(eq + 1).strip();
            if (left.isEmpty() || right.isEmpty()) {
                throw new IllegalArgumentException("column mapping entry '" + e + "' is not NAME=NAME; write e.g. "
                        + "question=prompt,answer=response");
            }
            String ours;
            String theirs;
            if (isOurs(right) && !isOurs(left)) {
                ours = right;
                theirs = left;
            } else if (isOurs(left) && !isOurs(right)) {
                ours = left;
                theirs = right;
            } else if (isOurs(left)) {
                ours = right;
                theirs = left;
            } else {
                throw new IllegalArgumentException("column mapping entry '" + e + "' names none of our fields; one "
                        + "side must be one of " + String.join(", ", OURS));
            }
            if (out.containsKey(ours)) {
                throw new IllegalArgumentException("column mapping maps '" + ours + "' twice ('" + out.get(ours)
                        + "' and '" + theirs + "'); give each of our fields one source field");
            }
            out.put(ours, theirs);
        }
        return out;
    }

    /** The command-line form of a mapping ({@code prompt=question,response=answer}), for previews and reports. */
    public static String format(Map<String, String> columns) {
        StringBuilder sb = new StringBuilder();
        columns.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }

    /**
     * The mapping a record format implies (our field to the source's field), overlaid with the user's own
     * entries: what the preview shows as "the mapping in effect". Null format: the user's entries alone.
     */
    public static Map<String, String> effective(Format format, Map<String, String> given) {
        Map<String, String> out = new LinkedHashMap<>(format == null ? Map.of() : implied(format));
        out.putAll(given);
        return out;
    }

    /** The fields a record format reads, as a mapping from our names to the format's field names. */
    static Map<String, String> implied(Format format) {
        return switch (format) {
            case OPENAI, WORKBENCH -> ordered("messages", "messages", "role_tag", "role", "content_tag", "content");
            case SHAREGPT -> ordered("messages", "conversations", "role_tag", "from", "content_tag", "value");
            case LLAVA -> ordered("messages", "conversations", "role_tag", "from", "content_tag", "value",
                    "images", "image");
            case ALPACA -> ordered("prompt", "instruction", "input", "input", "response", "output");
            case SELF_INSTRUCT -> ordered("prompt", "instruction", "input", "instances[].input",
                    "response", "instances[].output");
            case PROMPT_COMPLETION -> ordered("prompt", "prompt", "response", "completion");
            case PROMPT_RESPONSE -> ordered("prompt", "prompt", "response", "response");
            case QUESTION_ANSWER -> ordered("prompt", "question", "response", "answer");
            case TEXT_CODE -> ordered("prompt", "text", "response", "code");
            case CODE_COMPLETION -> ordered("prompt", "prompt", "response", "canonical_solution");
            case PREFERENCE -> ordered("prompt", "prompt", "chosen", "chosen", "rejected", "rejected");
            case PROMPT_SET -> ordered("prompt", "prompt", "images", "image_urls");
            case CSV, CAPTION_FOLDER, WEBDATASET -> Map.of();
        };
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
