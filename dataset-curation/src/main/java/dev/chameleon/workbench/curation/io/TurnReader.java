package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads conversation turns as the chat formats write them, before images are resolved: a turn is a role and
 * pieces of text, image references, and image slots (a {@code <image>} or {@code <img>} placeholder, or an image
 * part without an address) that the record's image list fills in order.
 *
 * <p>Which key holds the role and the content, and which role values mean what, come from the column mapping
 * ({@code role_tag}, {@code content_tag}, {@code user_tag}, ...); without one, {@code role}/{@code content} and
 * {@code from}/{@code value} are both read and roles are parsed as the common formats spell them. Content may be a
 * string or a list of typed parts in OpenAI's spelling ({@code {"type":"text","text":...}},
 * {@code {"type":"image_url","image_url":{"url":...}}}) or LLaMA-Factory's ({@code {"type":"text","value":...}},
 * {@code {"type":"image_url","value":"x.jpg"}}).
 */
final class TurnReader {

    /** The placeholder that stands for the next image of the record's list (LLaVA, ShareGPT, LLaMA-Factory). */
    static final Pattern PLACEHOLDER = Pattern.compile("<image>");

    /**
     * Also {@code <img>} (mixed-modal prompt sets), but only in records that list images: elsewhere it is far more
     * likely HTML in a question about web pages than a missing image.
     */
    private static final Pattern PLACEHOLDER_OR_IMG = Pattern.compile("<image>|<img>");

    /** A piece of a turn before images are resolved. */
    sealed interface Piece permits Text, Ref, Slot {
    }

    record Text(String text) implements Piece {
    }

    /** An image the part names itself (path, file: or data: URI, http(s) address). */
    record Ref(String ref) implements Piece {
    }

    /** A place for the next image of the record's list; {@code how} names it for refusals. */
    record Slot(String how) implements Piece {
    }

    record Turn(Role role, List<Piece> pieces) {
    }

    private static final Map<String, Role> TAG_ROLES = Map.of("user_tag", Role.USER, "assistant_tag", Role.ASSISTANT,
            "system_tag", Role.SYSTEM, "function_tag", Role.FUNCTION_CALL, "observation_tag", Role.OBSERVATION);

    private final Map<String, String> columns;
    private final Pattern placeholder;

    /**
     * @param columns the user's column mapping (only its tag entries matter here)
     * @param listed  true when the record lists images, so {@code <img>} is a placeholder too
     */
    TurnReader(Map<String, String> columns, boolean listed) {
        this.columns = columns;
        this.placeholder = listed ? PLACEHOLDER_OR_IMG : PLACEHOLDER;
    }

    /**
     * Reads a list of turns ({@code what} names it for refusals, e.g. 'messages'). A single turn object or a
     * plain string (an assistant answer) is read as a list of one.
     */
    List<Turn> turns(JsonNode list, String what, Role plainRole) throws RecordException {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (list.isValueNode()) {
            return List.of(new Turn(plainRole, text(list.asText())));
        }
        if (list.isObject()) {
            return List.of(turn(list, what, 1));
        }
        List<Turn> out = new ArrayList<>(list.size());
        int i = 0;
        for (JsonNode m : list) {
            i++;
            if (m.isValueNode()) {
                out.add(new Turn(plainRole, text(m.asText())));
            } else if (!m.isObject()) {
                throw new RecordException("turn " + i + " of '" + what + "' is not an object; write {\"" + roleKey()
                        + "\":...,\"" + contentKey() + "\":...}");
            } else {
                out.addAll(turnWithCalls(m, what, i));
            }
        }
        return out;
    }

    /**
     * One message, plus a function_call turn for OpenAI's {@code tool_calls} on an assistant message (the calls as
     * {@code [{"name":...,"arguments":...}]}, arguments parsed when they are JSON text).
     */
    private List<Turn> turnWithCalls(JsonNode m, String what, int i) throws RecordException {
        JsonNode calls = m.get("tool_calls");
        if (calls == null || !calls.isArray() || calls.isEmpty()) {
            return List.of(turn(m, what, i));
        }
        List<Turn> out = new ArrayList<>(2);
        JsonNode content = content(m);
        if (content != null && !content.isNull() && !(content.isTextual() && content.textValue().isBlank())) {
            out.add(turn(m, what, i));
        }
        ArrayNode simple = JsonNodeFactory.instance.arrayNode();
        for (JsonNode c : calls) {
            JsonNode f = c.has("function") ? c.get("function") : c;
            ObjectNode o = simple.addObject();
            o.set("name", f.get("name"));
            JsonNode args = f.get("arguments");
            if (args != null && args.isTextual()) {
                try {
                    JsonNode parsed = ExampleJson.MAPPER.readTree(args.textValue());
                    args = parsed == null || parsed.isMissingNode() ? args : parsed;
                } catch (JsonProcessingException e) {
                    // Arguments that are not JSON are kept as the string the source wrote.
                }
            }
            o.set("arguments", args);
        }
        out.add(new Turn(Role.FUNCTION_CALL, List.of(new Text(simple.toString()))));
        return out;
    }

    private Turn turn(JsonNode m, String what, int i) throws RecordException {
        Role role = role(m.get(roleKey(m)), what, i);
        JsonNode content = content(m);
        return new Turn(role, content(content, what, i));
    }

    private JsonNode content(JsonNode m) {
        return m.get(contentKey(m));
    }

    private String roleKey() {
        return columns.getOrDefault("role_tag", "role");
    }

    private String contentKey() {
        return columns.getOrDefault("content_tag", "content");
    }

    /** The mapped role key, else "role", else ShareGPT's "from". */
    private String roleKey(JsonNode m) {
        String k = columns.get("role_tag");
        if (k != null) {
            return k;
        }
        return m.has("role") || !m.has("from") ? "role" : "from";
    }

    private String contentKey(JsonNode m) {
        String k = columns.get("content_tag");
        if (k != null) {
            return k;
        }
        return m.has("content") || !m.has("value") ? "content" : "value";
    }

    /** A role from a mapped tag value ({@code user_tag=human}), else as the common formats spell it. */
    Role role(JsonNode v, String what, int message) throws RecordException {
        String s = v == null || v.isNull() ? null : v.asText();
        if (s != null) {
            for (Map.Entry<String, Role> t : TAG_ROLES.entrySet()) {
                if (s.equals(columns.get(t.getKey()))) {
                    return t.getValue();
                }
            }
        }
        if (s == null) {
            throw new RecordException("turn " + message + " of '" + what + "' has no '" + columns.getOrDefault(
                    "role_tag", "role") + "'; map the role key with role_tag=NAME");
        }
        if (s.strip().toLowerCase(Locale.ROOT).equals("developer")) {
            return Role.SYSTEM;
        }
        try {
            return Role.parse(s);
        } catch (IllegalArgumentException e) {
            throw new RecordException("message " + message + ": " + e.getMessage()
                    + "; or map it with user_tag=, assistant_tag=, system_tag=, function_tag=, observation_tag=");
        }
    }

    /** The pieces of one content value: a string, a list of typed parts, or one typed part. */
    List<Piece> content(JsonNode content, String what, int message) throws RecordException {
        if (content == null || content.isNull()) {
            return List.of();
        }
        if (content.isValueNode()) {
            return text(content.asText());
        }
        List<Piece> out = new ArrayList<>();
        if (content.isObject()) {
            part(content, message, 1, out);
            return out;
        }
        int j = 0;
        for (JsonNode p : content) {
            j++;
            part(p, message, j, out);
        }
        return out;
    }

    private void part(JsonNode p, int message, int part, List<Piece> out) throws RecordException {
        if (p.isValueNode()) {
            out.addAll(text(p.asText()));
            return;
        }
        String type = p.path("type").asText("");
        switch (type) {
            case "text", "input_text", "output_text" -> {
                JsonNode t = p.has("text") ? p.get("text") : p.has("value") ? p.get("value") : p.get("content");
                out.addAll(text(t == null || t.isNull() ? "" : t.asText()));
            }
            case "image_url", "input_image", "image" -> {
                String ref = ref(p, type);
                out.add(ref == null ? new Slot("image part") : new Ref(ref));
            }
            default -> throw new RecordException("message " + message + " part " + part + " has type '" + type
                    + "'; expected text, image_url or image");
        }
    }

    /** The address an image part gives, in any of the spellings in use, or null (it takes the next listed image). */
    private static String ref(JsonNode p, String type) {
        for (String k : new String[] {type, "value", "url", "path", "image_url", "image"}) {
            JsonNode v = p.get(k);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isTextual() && !v.textValue().isBlank()) {
                return v.textValue();
            }
            for (String inner : new String[] {"url", "path"}) {
                if (v.hasNonNull(inner) && v.get(inner).isTextual()) {
                    return v.get(inner).textValue();
                }
            }
        }
        return null;
    }

    /**
     * Text split at placeholders, stripped around them as LLaVA writes them ({@code "<image>\nWhat is it?"}).
     *
     * <pre>
     *  "Compare &lt;image&gt; with &lt;image&gt;."  ->  [Text "Compare", Slot, Text "with", Slot, Text "."]
     * </pre>
     */
    List<Piece> text(String s) {
        Matcher m = placeholder.matcher(s);
        if (!m.find()) {
            return List.of(new Text(s));
        }
        List<Piece> out = new ArrayList<>(3);
        int from = 0;
        do {
            addText(out, s.substring(from, m.start()).strip());
            out.add(new Slot(m.group()));
            from = m.end();
        } while (m.find());
        addText(out, s.substring(from).strip());
        return out;
    }

    private static void addText(List<Piece> out, String s) {
        if (!s.isEmpty()) {
            out.add(new Text(s));
        }
    }
}
