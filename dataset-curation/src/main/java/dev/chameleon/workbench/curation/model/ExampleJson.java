package dev.chameleon.workbench.curation.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The canonical JSON form of an example: what the store keeps, what export writes and what a snapshot holds.
 *
 * <pre>{@code
 * {"category":"visual_chat","status":"accepted","harm_category":null,"tags":["demo"],
 *  "source":{"file":"chat.jsonl","line":12},"metadata":{"k":"v"},
 *  "messages":[{"role":"user","content":[{"type":"image","sha256":"ab12..","path":"images/ab12...png"},
 *                                        {"type":"text","text":"What shape is this?"}]},
 *              {"role":"assistant","content":[{"type":"text","text":"A red circle."}]}]}
 * }</pre>
 * The {@code path} of an image part is written by exporters beside the key and is optional on reading. An image
 * known only by its address is {@code {"type":"image","url":"https://..."}} (no key). Optional fields, written only
 * when present: {@code "tools"} (the tool schema, as JSON) and {@code "rejected"} (a preference pair's rejected
 * answer, as messages).
 */
public final class ExampleJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ExampleJson() {
    }

    /** The messages alone, as a compact JSON array (the store's column). */
    public static String messagesToJson(List<Message> messages) {
        return write(messagesNode(messages, null));
    }

    public static List<Message> messagesFromJson(String json) {
        try {
            return messagesFromNode(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored messages are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The whole example as a canonical record.
     *
     * @param imagePath maps an image key to the path written beside it, or null to write keys only
     */
    public static ObjectNode toNode(Example e, Function<String, String> imagePath) {
        ObjectNode o = F.objectNode();
        o.put("category", e.category().wireName());
        o.put("status", e.status().wireName());
        if (e.harmCategory() != null) {
            o.put("harm_category", e.harmCategory());
        }
        ArrayNode tags = o.putArray("tags");
        e.tags().forEach(tags::add);
        ObjectNode src = o.putObject("source");
        src.put("file", e.source().file());
        src.put("line", e.source().line());
        ObjectNode meta = o.putObject("metadata");
        e.metadata().forEach(meta::put);
        o.set("messages", messagesNode(e.messages(), imagePath));
        if (e.tools() != null) {
            o.set("tools", toolsNode(e.tools()));
        }
        if (e.hasRejected()) {
            o.set("rejected", messagesNode(e.rejected(), imagePath));
        }
        return o;
    }

    public static String toJson(Example e, Function<String, String> imagePath) {
        return write(toNode(e, imagePath));
    }

    /** Reads a canonical record; image parts must carry their sha256 key. */
    public static Example fromNode(JsonNode o) {
        List<Message> messages = messagesFromNode(required(o, "messages"));
        Category category = Category.parse(required(o, "category").asText());
        ReviewStatus status = o.has("status") ? ReviewStatus.parse(o.get("status").asText()) : ReviewStatus.PENDING;
        String harm = o.hasNonNull("harm_category") ? o.get("harm_category").asText() : null;
        Set<String> tags = new LinkedHashSet<>();
        o.path("tags").forEach(t -> tags.add(t.asText()));
        JsonNode src = o.path("source");
        Source source = new Source(src.path("file").asText(""), src.path("line").asLong(0));
        Map<String, String> meta = new LinkedHashMap<>();
        o.path("metadata").fields().forEachRemaining(en ->
                meta.put(en.getKey(), en.getValue().isTextual() ? en.getValue().asText() : en.getValue().toString()));
        String tools = o.hasNonNull("tools") ? toolsText(o.get("tools")) : null;
        List<Message> rejected = o.hasNonNull("rejected") ? messagesFromNode(o.get("rejected")) : List.of();
        return new Example(0, messages, category, source, tags, status, harm, meta, tools, rejected);
    }

    /**
     * A tool schema as stored: compact JSON text. A source may give it as JSON or as a string holding JSON
     * (ShareGPT does); a string that is not JSON is kept as a JSON string.
     */
    public static String toolsText(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            String t = v.textValue().strip();
            if (t.isEmpty()) {
                return null;
            }
            try {
                return write(MAPPER.readTree(t));
            } catch (JsonProcessingException e) {
                return write(v);
            }
        }
        return write(v);
    }

    private static JsonNode toolsNode(String tools) {
        try {
            return MAPPER.readTree(tools);
        } catch (JsonProcessingException e) {
            return F.textNode(tools);
        }
    }

    private static ArrayNode messagesNode(List<Message> messages, Function<String, String> imagePath) {
        ArrayNode arr = F.arrayNode();
        for (Message m : messages) {
            ObjectNode mo = arr.addObject();
            mo.put("role", m.role().wireName());
            ArrayNode content = mo.putArray("content");
            for (Part p : m.parts()) {
                ObjectNode po = content.addObject();
                if (p instanceof Part.Text t) {
                    po.put("type", "text");
                    po.put("text", t.text());
                } else if (p instanceof Part.Image i) {
                    po.put("type", "image");
                    po.put("sha256", i.sha256());
                    if (imagePath != null) {
                        po.put("path", imagePath.apply(i.sha256()));
                    }
                } else if (p instanceof Part.RemoteImage r) {
                    po.put("type", "image");
                    po.put("url", r.url());
                }
            }
        }
        return arr;
    }

    private static List<Message> messagesFromNode(JsonNode arr) {
        if (!arr.isArray()) {
            throw new IllegalArgumentException("'messages' must be an array of {role, content}");
        }
        List<Message> out = new ArrayList<>();
        for (JsonNode mo : arr) {
            Role role = Role.parse(mo.path("role").asText(null));
            List<Part> parts = new ArrayList<>();
            for (JsonNode po : mo.path("content")) {
                String type = po.path("type").asText("");
                switch (type) {
                    case "text" -> parts.add(new Part.Text(po.path("text").asText("")));
                    case "image" -> parts.add(!po.hasNonNull("sha256") && po.hasNonNull("url")
                            ? new Part.RemoteImage(po.get("url").asText())
                            : new Part.Image(po.path("sha256").asText("")));
                    default -> throw new IllegalArgumentException("unknown part type '" + type
                            + "'; a part is {\"type\":\"text\",\"text\":...} or {\"type\":\"image\",\"sha256\":...}");
                }
            }
            out.add(new Message(role, parts));
        }
        return out;
    }

    private static JsonNode required(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return n;
    }

    private static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
