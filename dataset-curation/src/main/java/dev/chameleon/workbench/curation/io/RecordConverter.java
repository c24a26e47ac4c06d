package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.CategoryRules;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one parsed record of a known format into an {@link Example}, or says why it cannot.
 *
 * <p>Every format ends in the same place: a list of messages, a category (given, read or detected), the harm
 * category, tags and metadata, then the category rules. Chat-like formats that carry images beside the text
 * (ShareGPT, LLaVA, Alpaca with an image) share one placement rule: each {@code <image>} placeholder takes the
 * next image in order; images without any placeholder go in front of the first user turn.
 */
final class RecordConverter {

    static final String PLACEHOLDER = "<image>";

    /** Top-level fields the formats read; the rest may become metadata. */
    private static final Set<String> KNOWN = Set.of("messages", "conversations", "images", "image", "instruction",
            "input", "output", "system", "prompt", "completion", "harm_category", "harm", "tags", "id", "category",
            "status", "source", "metadata");

    private final ImageResolver images;
    private final CategoryRules rules;
    private final Category forced;

    RecordConverter(ImageResolver images, CategoryRules rules, ImportOptions options) {
        this.images = images;
        this.rules = rules;
        this.forced = options.category();
    }

    /**
     * Converts a record read as {@code format}.
     *
     * @param chosen true when the user chose the format (--format) rather than it being detected
     */
    Example convert(JsonNode rec, Format format, Source source, boolean chosen) throws RecordException {
        try {
            return switch (format) {
                case WORKBENCH -> workbench(rec, source, chosen);
                case OPENAI -> openai(rec, source, chosen);
                case SHAREGPT -> shareGpt(rec, source, format, chosen);
                case LLAVA -> rec.has("conversations") ? shareGpt(rec, source, format, chosen)
                        : alpaca(rec, source, format, chosen);
                case ALPACA -> alpaca(rec, source, format, chosen);
                case PROMPT_COMPLETION -> promptCompletion(rec, source, chosen);
                case CAPTION_FOLDER, WEBDATASET -> throw new RecordException("a JSON record cannot be read as "
                        + format.wireName() + "; that format reads a folder or a .tar shard");
            };
        } catch (IllegalArgumentException e) {
            // Model constructors and parsers reject bad roles, categories and statuses with a usable message.
            throw new RecordException(e.getMessage());
        }
    }

    /** An Image Generation pair from a caption folder or a WebDataset sample: the caption asks, the image answers. */
    Example captioned(String caption, String imageKey, Source source) throws RecordException {
        List<Message> ms = List.of(Message.text(Role.USER, caption), Message.of(Role.ASSISTANT, new Part.Image(imageKey)));
        return finish(ms, null, source, null, ReviewStatus.PENDING, null, Set.of(), Map.of());
    }

    // --- formats -------------------------------------------------------------------------------------------

    private Example workbench(JsonNode rec, Source source, boolean chosen) throws RecordException {
        JsonNode msgs = require(rec, "messages", Format.WORKBENCH, chosen);
        if (!msgs.isArray()) {
            throw new RecordException("'messages' must be an array of {role, content}");
        }
        List<Message> out = new ArrayList<>(msgs.size());
        int i = 0;
        for (JsonNode m : msgs) {
            i++;
            Role role = role(m.get("role"), i);
            List<Part> parts = new ArrayList<>();
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                parts.add(new Part.Text(content.textValue()));
            } else if (content != null && content.isArray()) {
                int j = 0;
                for (JsonNode p : content) {
                    j++;
                    String type = p.path("type").asText("");
                    if (type.equals("text")) {
                        parts.add(new Part.Text(p.path("text").asText("")));
                    } else if (type.equals("image")) {
                        parts.add(new Part.Image(workbenchImage(p, i, j)));
                    } else {
                        throw new RecordException("message " + i + " part " + j + " has type '" + type + "'; a part is "
                                + "{\"type\":\"text\",\"text\":...} or {\"type\":\"image\",\"sha256\":...,\"path\":...}");
                    }
                }
            }
            out.add(new Message(role, parts));
        }
        Category category = forced != null ? forced : Category.parse(require(rec, "category", Format.WORKBENCH, chosen).asText());
        JsonNode st = rec.get("status");
        ReviewStatus status = st == null || st.isNull() ? ReviewStatus.PENDING : ReviewStatus.parse(st.asText());
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : rec.path("metadata").properties()) {
            JsonNode v = f.getValue();
            meta.put(f.getKey(), v.isTextual() ? v.textValue() : v.toString());
        }
        // A canonical record keeps the source it was first imported from, so export and re-import round-trip.
        JsonNode src = rec.get("source");
        Source origin = src != null && src.isObject() && !src.path("file").asText("").isEmpty()
                ? new Source(src.path("file").asText(), src.path("line").asLong(0)) : source;
        return finish(out, rec, origin, category, status, harm(rec), tags(rec), meta);
    }

    /** A canonical image part: the key when the store has it, else the image at {@code path}, which must match. */
    private String workbenchImage(JsonNode p, int message, int part) throws RecordException {
        String sha = p.hasNonNull("sha256") ? p.get("sha256").asText() : null;
        if (sha != null && images.inStore(sha)) {
            return sha;
        }
        String path = p.hasNonNull("path") ? p.get("path").asText() : null;
        if (path == null) {
            throw new RecordException(sha == null
                    ? "message " + message + " part " + part + " is an image with neither 'sha256' nor 'path'"
                    : "image " + sha + " (message " + message + ") is not in the image store and its part has no "
                    + "'path'; export with images, or import into the workspace that holds them");
        }
        String key = images.resolve(path);
        if (sha != null && !sha.equals(key)) {
            throw new RecordException("image '" + path + "' (message " + message + ") has sha256 " + key
                    + ", not the " + sha + " the record declares; the file changed since export");
        }
        return key;
    }

    private Example openai(JsonNode rec, Source source, boolean chosen) throws RecordException {
        JsonNode msgs = require(rec, "messages", Format.OPENAI, chosen);
        if (!msgs.isArray()) {
            throw new RecordException("'messages' must be an array of {\"role\":...,\"content\":...}");
        }
        List<Message> out = new ArrayList<>(msgs.size());
        int i = 0;
        for (JsonNode m : msgs) {
            i++;
            Role role = role(m.get("role"), i);
            JsonNode content = m.get("content");
            List<Part> parts;
            if (content == null || content.isNull()) {
                parts = List.of();
            } else if (content.isTextual()) {
                parts = List.of(new Part.Text(content.textValue()));
            } else if (content.isArray()) {
                parts = new ArrayList<>(content.size());
                int j = 0;
                for (JsonNode p : content) {
                    j++;
                    parts.add(openaiPart(p, i, j));
                }
            } else {
                throw new RecordException("message " + i + " has content that is neither a string nor a list of parts");
            }
            out.add(new Message(role, parts));
        }
        return finish(out, rec, source, null, ReviewStatus.PENDING, harm(rec), tags(rec), metadata(rec));
    }

    private Part openaiPart(JsonNode p, int message, int part) throws RecordException {
        if (p.isTextual()) {
            return new Part.Text(p.textValue());
        }
        String type = p.path("type").asText("");
        switch (type) {
            case "text", "input_text", "output_text":
                return new Part.Text(p.path("text").asText(""));
            case "image_url", "input_image":
                return new Part.Image(images.resolve(url(p.get("image_url"), message, part)));
            case "image":
                return new Part.Image(images.resolve(url(p.get("image"), message, part)));
            default:
                throw new RecordException("message " + message + " part " + part + " has type '" + type
                        + "'; expected text, image_url or image");
        }
    }

    /** The reference inside an image part: a string, or an object holding "url" or "path". */
    private static String url(JsonNode v, int message, int part) throws RecordException {
        if (v != null) {
            if (v.isTextual()) {
                return v.textValue();
            }
            if (v.hasNonNull("url")) {
                return v.get("url").asText();
            }
            if (v.hasNonNull("path")) {
                return v.get("path").asText();
            }
        }
        throw new RecordException("message " + message + " part " + part + " is an image part without a URL; write "
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"...\"}}");
    }

    private Example shareGpt(JsonNode rec, Source source, Format format, boolean chosen) throws RecordException {
        JsonNode conv = require(rec, "conversations", format, chosen);
        if (!conv.isArray()) {
            throw new RecordException("'conversations' must be an array of {\"from\":...,\"value\":...}");
        }
        List<Role> roles = new ArrayList<>(conv.size());
        List<String> texts = new ArrayList<>(conv.size());
        int i = 0;
        for (JsonNode turn : conv) {
            i++;
            JsonNode from = turn.has("from") ? turn.get("from") : turn.get("role");
            JsonNode value = turn.has("value") ? turn.get("value") : turn.get("content");
            roles.add(role(from, i));
            if (value == null || value.isNull()) {
                throw new RecordException("turn " + i + " of 'conversations' has no 'value'");
            }
            texts.add(value.asText());
        }
        return finish(place(roles, texts, imageRefs(rec)), rec, source, null, ReviewStatus.PENDING, harm(rec),
                tags(rec), metadata(rec));
    }

    private Example alpaca(JsonNode rec, Source source, Format format, boolean chosen) throws RecordException {
        String instruction = require(rec, "instruction", format, chosen).asText();
        String output = require(rec, "output", format, chosen).asText();
        String input = rec.hasNonNull("input") ? rec.get("input").asText() : "";
        String user = input.isBlank() ? instruction : instruction + "\n\n" + input;
        return finish(place(withSystem(rec, user, output), imageRefs(rec)), rec, source);
    }

    private Example promptCompletion(JsonNode rec, Source source, boolean chosen) throws RecordException {
        String prompt = require(rec, "prompt", Format.PROMPT_COMPLETION, chosen).asText();
        String completion = require(rec, "completion", Format.PROMPT_COMPLETION, chosen).asText();
        return finish(place(withSystem(rec, prompt, completion), imageRefs(rec)), rec, source);
    }

    // --- shared pieces ---------------------------------------------------------------------------------------

    private record Turns(List<Role> roles, List<String> texts) {
    }

    private static Turns withSystem(JsonNode rec, String user, String answer) {
        List<Role> roles = new ArrayList<>(3);
        List<String> texts = new ArrayList<>(3);
        if (rec.hasNonNull("system") && !rec.get("system").asText().isBlank()) {
            roles.add(Role.SYSTEM);
            texts.add(rec.get("system").asText());
        }
        roles.add(Role.USER);
        texts.add(user);
        roles.add(Role.ASSISTANT);
        texts.add(answer);
        return new Turns(roles, texts);
    }

    private List<Message> place(Turns t, List<String> refs) throws RecordException {
        return place(t.roles(), t.texts(), refs);
    }

    private Example finish(List<Message> ms, JsonNode rec, Source source) throws RecordException {
        return finish(ms, rec, source, null, ReviewStatus.PENDING, harm(rec), tags(rec), metadata(rec));
    }

    /**
     * Builds messages from turn texts and the record's images.
     *
     * <pre>
     *  value: "Compare &lt;image&gt; with &lt;image&gt;."   images: [a.png, b.png]
     *  parts: [Text "Compare", Image a, Text "with", Image b, Text "."]
     * </pre>
     * With no placeholder at all, the images open the first user turn; a count that does not match is refused.
     */
    private List<Message> place(List<Role> roles, List<String> texts, List<String> refs) throws RecordException {
        int placeholders = 0;
        for (String t : texts) {
            placeholders += count(t);
        }
        if (placeholders > 0 && placeholders != refs.size()) {
            throw new RecordException("the record has " + placeholders + " " + PLACEHOLDER + " placeholder"
                    + (placeholders == 1 ? "" : "s") + " but " + refs.size() + " image" + (refs.size() == 1 ? "" : "s")
                    + "; give one image per placeholder, in order");
        }
        List<String> keys = new ArrayList<>(refs.size());
        for (String r : refs) {
            keys.add(images.resolve(r));
        }
        List<Message> out = new ArrayList<>(roles.size());
        boolean attached = keys.isEmpty() || placeholders > 0;
        int next = 0;
        for (int i = 0; i < roles.size(); i++) {
            Role role = roles.get(i);
            String text = texts.get(i);
            List<Part> parts = new ArrayList<>(2);
            if (!attached && role == Role.USER) {
                for (String k : keys) {
                    parts.add(new Part.Image(k));
                }
                attached = true;
            }
            if (placeholders > 0 && text.contains(PLACEHOLDER)) {
                int from = 0;
                int at;
                while ((at = text.indexOf(PLACEHOLDER, from)) >= 0) {
                    addText(parts, text.substring(from, at).strip());
                    parts.add(new Part.Image(keys.get(next++)));
                    from = at + PLACEHOLDER.length();
                }
                addText(parts, text.substring(from).strip());
            } else {
                parts.add(new Part.Text(text));
            }
            out.add(new Message(role, parts));
        }
        if (!attached) {
            throw new RecordException("the record has images but no user turn to put them in");
        }
        return out;
    }

    private static void addText(List<Part> parts, String s) {
        if (!s.isEmpty()) {
            parts.add(new Part.Text(s));
        }
    }

    private static int count(String text) {
        int n = 0;
        int at = text.indexOf(PLACEHOLDER);
        while (at >= 0) {
            n++;
            at = text.indexOf(PLACEHOLDER, at + PLACEHOLDER.length());
        }
        return n;
    }

    /** Image references from "images" (a list) or "image" (one, or a list); entries may be strings or {path|url}. */
    private static List<String> imageRefs(JsonNode rec) throws RecordException {
        JsonNode v = rec.hasNonNull("images") ? rec.get("images") : rec.get("image");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            return List.of(ref(v));
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            out.add(ref(e));
        }
        return out;
    }

    private static String ref(JsonNode v) throws RecordException {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.hasNonNull("path")) {
            return v.get("path").asText();
        }
        if (v.hasNonNull("url")) {
            return v.get("url").asText();
        }
        throw new RecordException("an entry of 'images' is neither a path string nor {\"path\":...}");
    }

    private Example finish(List<Message> ms, JsonNode rec, Source source, Category category, ReviewStatus status,
                           String harm, Set<String> tags, Map<String, String> meta) throws RecordException {
        Category c = forced != null ? forced : category != null ? category : rules.detect(ms, harm);
        Example e = new Example(0, ms, c, source, tags, status, harm, meta);
        List<String> broken = rules.problems(e);
        if (!broken.isEmpty()) {
            throw new RecordException(broken.size() == 1 ? broken.get(0) : String.join("; ", broken));
        }
        return e;
    }

    private static Role role(JsonNode v, int message) throws RecordException {
        String s = v == null || v.isNull() ? null : v.asText();
        if ("developer".equals(s)) {
            return Role.SYSTEM;
        }
        try {
            return Role.parse(s);
        } catch (IllegalArgumentException e) {
            throw new RecordException("message " + message + ": " + e.getMessage());
        }
    }

    private static String harm(JsonNode rec) {
        if (rec == null) {
            return null;
        }
        JsonNode h = rec.hasNonNull("harm_category") ? rec.get("harm_category") : rec.get("harm");
        if (h == null || h.isNull() || !h.isValueNode()) {
            return null;
        }
        String s = h.asText().strip();
        return s.isEmpty() ? null : s;
    }

    private static Set<String> tags(JsonNode rec) {
        JsonNode t = rec == null ? null : rec.get("tags");
        if (t == null || !t.isArray() || t.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode e : t) {
            if (e.isValueNode() && !e.isNull()) {
                out.add(e.asText());
            }
        }
        return out;
    }

    /** Unknown top-level scalars, and "id" as "source_id"; nested values are left out. */
    private static Map<String, String> metadata(JsonNode rec) {
        if (rec == null) {
            return Map.of();
        }
        Map<String, String> meta = null;
        for (Map.Entry<String, JsonNode> f : rec.properties()) {
            String k = f.getKey();
            JsonNode v = f.getValue();
            if (!v.isValueNode() || v.isNull()) {
                continue;
            }
            if (k.equals("id")) {
                k = "source_id";
            } else if (KNOWN.contains(k)) {
                continue;
            }
            if (meta == null) {
                meta = new LinkedHashMap<>();
            }
            meta.put(k, v.asText());
        }
        return meta == null ? Map.of() : meta;
    }

    private static JsonNode require(JsonNode rec, String field, Format format, boolean chosen) throws RecordException {
        JsonNode v = rec.get(field);
        if (v == null || v.isNull()) {
            throw new RecordException("the record has no '" + field + "', which the " + format.wireName()
                    + " format needs (" + (chosen ? "chosen with --format" : "detected from the first record")
                    + "); fix the record" + (chosen ? " or pick another --format" : ", or split files of mixed formats"));
        }
        return v;
    }
}
