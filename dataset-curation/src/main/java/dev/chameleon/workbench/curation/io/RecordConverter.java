package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.CategoryRules;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
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
 * Turns one parsed record of a known format into examples, or says why it cannot.
 *
 * <p>Every record format but our canonical one is read through a column mapping (our field name to the source's
 * field), the one the format implies overlaid with the user's {@code --map}: turn lists ({@code messages},
 * ShareGPT {@code conversations}) go through {@link TurnReader}, field shapes (prompt/response, Alpaca, GSM8K,
 * MBPP, HumanEval, preference pairs, prompt sets) are built from their fields. Images are placed by
 * {@link ImagePlacement}. Every field of the record ends somewhere: read, or kept as metadata.
 *
 * <p>The category is the one the user forced, else the record's own, else detected. Only the first two are
 * refused when they break a category's rules: a detected guess that breaks one (an answer that merely reads like
 * a refusal, so "Safety" without a harm category) falls back to what the structure says, with a
 * {@code review_note} in the metadata.
 */
final class RecordConverter {

    /** The metadata key a note for reviewers goes under. */
    static final String REVIEW_NOTE = "review_note";

    /** One record's result: an example, or the reason it was refused (for records that give several). */
    record Outcome(Example example, String problem) {
    }

    /** The fields records list their images in, when the mapping names none. */
    private static final String[] IMAGE_LISTS = {"images", "image", "image_urls"};

    private final ImageResolver images;
    private final CategoryRules rules;
    private final ImportOptions options;

    RecordConverter(ImageResolver images, CategoryRules rules, ImportOptions options) {
        this.images = images;
        this.rules = rules;
        this.options = options;
    }

    /**
     * Converts one record; a record that holds several examples (self-instruct instances) gives one outcome each,
     * any other one exactly one.
     *
     * @param chosen true when the user chose the format (--format) rather than it being detected
     * @param extra  metadata the container adds (CSV: the columns with formula-like cells)
     */
    List<Outcome> convertAll(JsonNode rec, Format format, Source source, boolean chosen, Map<String, String> extra) {
        if (format != Format.SELF_INSTRUCT || !options.columns().isEmpty()) {
            return List.of(outcome(rec, format, source, chosen, extra));
        }
        JsonNode instances = rec.get("instances");
        if (instances == null || !instances.isArray() || instances.isEmpty()) {
            return List.of(new Outcome(null, "the record has no 'instances' list, which the self-instruct format "
                    + "needs (" + how(chosen) + "); give [{\"input\":...,\"output\":...}]"));
        }
        List<Outcome> out = new ArrayList<>(instances.size());
        int i = 0;
        for (JsonNode instance : instances) {
            i++;
            ObjectNode one = ((ObjectNode) rec).deepCopy();
            one.remove("instances");
            one.set("input", instance.path("input").isMissingNode() ? null : instance.get("input"));
            one.set("output", instance.get("output"));
            one.put("instance", i);
            out.add(outcome(one, Format.SELF_INSTRUCT, source, chosen, extra));
        }
        return out;
    }

    private Outcome outcome(JsonNode rec, Format format, Source source, boolean chosen, Map<String, String> extra) {
        images.takeFetchFailures(); // what an earlier, refused record left behind is not this record's
        try {
            return new Outcome(withFetchFailures(convert(rec, format, source, chosen, extra)), null);
        } catch (RecordException e) {
            return new Outcome(null, e.getMessage());
        } catch (IllegalArgumentException e) {
            // Model constructors and parsers reject bad roles, categories and statuses with a usable message.
            return new Outcome(null, e.getMessage());
        }
    }

    /** Adds to the review note why remote images of the example could not be fetched (it keeps their addresses). */
    private Example withFetchFailures(Example e) {
        List<String> failures = images.takeFetchFailures();
        if (failures.isEmpty()) {
            return e;
        }
        Map<String, String> meta = new LinkedHashMap<>(e.metadata());
        String note = String.join("; ", failures);
        meta.merge(REVIEW_NOTE, note, (a, b) -> a + "; " + b);
        return e.withMetadata(meta);
    }

    /** Converts a record that holds one example. */
    Example convert(JsonNode rec, Format format, Source source, boolean chosen, Map<String, String> extra)
            throws RecordException {
        if (!format.isRecordFormat()) {
            throw new RecordException("a JSON record cannot be read as " + format.wireName()
                    + "; that format reads a folder, a .tar shard or delimited text");
        }
        Fields r = new Fields(rec);
        if (format == Format.WORKBENCH && options.columns().isEmpty()) {
            return workbench(r, source, chosen, extra);
        }
        Format shape = format == Format.LLAVA && !rec.has("conversations") && !options.columns().containsKey("messages")
                ? Format.ALPACA : format == Format.SELF_INSTRUCT ? Format.ALPACA : format;
        Map<String, String> cols = ColumnMap.effective(shape, options.columns());
        Draft d = new Draft(source);
        boolean listed = field(r, cols, "images", IMAGE_LISTS) != null;
        TurnReader turns = new TurnReader(options.columns(), listed);
        if (cols.containsKey("messages")) {
            chat(r, cols, format, chosen, turns, d);
        } else {
            fields(r, cols, format, chosen, turns, d);
        }
        common(r, cols, format, d);
        if (format == Format.TEXT_CODE || format == Format.CODE_COMPLETION) {
            d.hint = Category.CODE;
        }
        d.meta.putAll(extra);
        return finish(d);
    }

    /** An Image Generation pair from a caption folder or a WebDataset sample: the caption asks, the image answers. */
    Example captioned(String caption, String imageKey, Source source) throws RecordException {
        Draft d = new Draft(source);
        List<Message> ms = List.of(Message.text(Role.USER, caption),
                Message.of(Role.ASSISTANT, new Part.Image(imageKey)));
        return check(d, ms, List.of());
    }

    // --- shapes ----------------------------------------------------------------------------------------------

    /** A turn list ({@code messages}, {@code conversations} or the mapped field), then a preference pair's answers. */
    private void chat(Fields r, Map<String, String> cols, Format format, boolean chosen, TurnReader tr, Draft d)
            throws RecordException {
        String key = cols.get("messages");
        JsonNode list = require(r, key, format, chosen);
        if (!list.isArray()) {
            throw new RecordException("'" + key + "' must be an array of turns, each {\"role\":...,\"content\":...} "
                    + "or {\"from\":...,\"value\":...}");
        }
        List<TurnReader.Turn> ts = tr.turns(list, key, Role.USER);
        JsonNode system = r.take(field(r, cols, "system", "system"));
        if (system != null && !system.asText().isBlank() && (ts.isEmpty() || ts.get(0).role() != Role.SYSTEM)) {
            d.turns.add(new TurnReader.Turn(Role.SYSTEM, List.of(new TurnReader.Text(system.asText()))));
        }
        d.turns.addAll(ts);
        preference(r, cols, tr, d);
    }

    /** Fields: system, history, prompt (with input), then the answer, the chosen and rejected answers, or none. */
    private void fields(Fields r, Map<String, String> cols, Format format, boolean chosen, TurnReader tr, Draft d)
            throws RecordException {
        String promptKey = cols.get("prompt");
        if (promptKey == null) {
            throw new RecordException("the column mapping names no prompt field; map one with --map FIELD=prompt "
                    + "(or FIELD=messages for a list of turns)");
        }
        JsonNode system = r.take(field(r, cols, "system", "system"));
        if (system != null && !system.asText().isBlank()) {
            d.turns.add(new TurnReader.Turn(Role.SYSTEM, List.of(new TurnReader.Text(system.asText()))));
        }
        // Alpaca's optional fields; other shapes read them only when mapped.
        boolean alpaca = cols.containsKey("input");
        history(r.take(alpaca ? field(r, cols, "history", "history") : options.columns().get("history")), tr, d);
        JsonNode prompt = require(r, promptKey, format, chosen);
        JsonNode input = alpaca ? r.take(cols.get("input")) : null;
        if (prompt.isContainerNode()) {
            d.turns.addAll(tr.turns(prompt, promptKey, Role.USER));
        } else {
            String in = input == null || input.isContainerNode() ? "" : input.asText();
            String user = in.isBlank() ? prompt.asText() : prompt.asText() + "\n\n" + in;
            d.turns.add(new TurnReader.Turn(Role.USER, tr.text(user)));
        }
        String responseKey = cols.get("response");
        JsonNode response = responseKey == null ? null : r.take(responseKey);
        if (response != null) {
            d.turns.addAll(tr.turns(response, responseKey, Role.ASSISTANT));
        }
        boolean pair = preference(r, cols, tr, d);
        if (response == null && !pair && options.kind() == DatasetKind.SFT) {
            throw new RecordException(responseKey == null
                    ? "the record has a prompt but no answer, so it looks like a prompt set: import it with --kind "
                    + "prompts, or map its answer field with --map FIELD=response"
                    : "the record has no '" + responseKey + "' (the answer in the " + format.wireName() + " format, "
                    + how(chosen) + "); add the answer, or if the file is a prompt set, import it with --kind prompts");
        }
    }

    /** Alpaca/LLaMA-Factory history: {@code [[question, answer], ...]} before the prompt. */
    private static void history(JsonNode h, TurnReader tr, Draft d) throws RecordException {
        if (h == null) {
            return;
        }
        if (!h.isArray()) {
            throw new RecordException("'history' must be a list of [question, answer] pairs");
        }
        for (JsonNode pair : h) {
            if (!pair.isArray() || pair.size() != 2) {
                throw new RecordException("'history' must be a list of [question, answer] pairs; found " + pair);
            }
            d.turns.add(new TurnReader.Turn(Role.USER, tr.text(pair.get(0).asText())));
            d.turns.add(new TurnReader.Turn(Role.ASSISTANT, tr.text(pair.get(1).asText())));
        }
    }

    /**
     * A preference pair: the chosen answer becomes the final turn(s), the rejected one is kept beside. An empty
     * rejected answer imports the chosen one with a review note.
     *
     * @return true when the record carries a chosen answer
     */
    private boolean preference(Fields r, Map<String, String> cols, TurnReader tr, Draft d) throws RecordException {
        String ck = cols.getOrDefault("chosen", "chosen");
        String rk = cols.getOrDefault("rejected", "rejected");
        JsonNode c = r.take(ck);
        JsonNode x = r.take(rk);
        if (c == null && x == null) {
            return false;
        }
        List<TurnReader.Turn> chosenTurns = tr.turns(c, ck, Role.ASSISTANT);
        if (blank(chosenTurns)) {
            throw new RecordException("the record has a rejected answer but its chosen answer ('" + ck + "') is "
                    + "empty; a preference pair needs the chosen answer");
        }
        d.turns.addAll(chosenTurns);
        List<TurnReader.Turn> rejectedTurns = tr.turns(x, rk, Role.ASSISTANT);
        if (blank(rejectedTurns)) {
            d.notes.add("the rejected answer ('" + rk + "') is empty, so this imported as SFT with the chosen answer "
                    + "only; add a rejected answer if it is meant as a preference pair");
        } else {
            d.rejected.addAll(rejectedTurns);
        }
        return true;
    }

    private static boolean blank(List<TurnReader.Turn> turns) {
        for (TurnReader.Turn t : turns) {
            for (TurnReader.Piece p : t.pieces()) {
                if (!(p instanceof TurnReader.Text x) || !x.text().isBlank()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** What every shape shares: images, tools, harm, category, tags, id, label, and the rest as metadata. */
    private void common(Fields r, Map<String, String> cols, Format format, Draft d) throws RecordException {
        d.refs.addAll(imageRefs(r.take(field(r, cols, "images", IMAGE_LISTS))));
        d.tools = ExampleJson.toolsText(r.take(field(r, cols, "tools", "tools")));
        d.tags.addAll(tags(r.take(field(r, cols, "tags", "tags"))));
        JsonNode id = r.take(field(r, cols, "id", "id"));
        if (id != null) {
            d.meta.put("source_id", text(id));
        }
        String label = cols.get("label");
        if (label != null && r.has(label)) {
            d.meta.put("label", text(r.take(label)));
        }
        String harm = scalar(r.take(field(r, cols, "harm", "harm_category", "harm")));
        String category = scalar(r.take(field(r, cols, "category", "category")));
        if (options.kind() == DatasetKind.PROMPTS) {
            // A prompt set's labels are the source's own taxonomy: kept, never validated against ours.
            putIfPresent(d.meta, "harm", harm != null ? harm : category);
            putIfPresent(d.meta, "category", harm != null ? category : null);
        } else {
            d.harm = harm;
            Category own = parseCategory(category);
            if (own != null) {
                d.category = own;
            } else {
                putIfPresent(d.meta, "category", category);
            }
        }
        JsonNode meta = r.take("metadata");
        if (meta != null && meta.isObject()) {
            for (Map.Entry<String, JsonNode> f : meta.properties()) {
                d.meta.put(f.getKey(), text(f.getValue()));
            }
        } else if (meta != null) {
            d.meta.put("metadata", text(meta));
        }
        r.rest(d.meta);
    }

    private static void putIfPresent(Map<String, String> meta, String key, String value) {
        if (value != null) {
            meta.put(key, value);
        }
    }

    /** A record's own category when it names one of ours; other taxonomies are the source's, kept as metadata. */
    private static Category parseCategory(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Category.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // --- canonical records -----------------------------------------------------------------------------------

    private Example workbench(Fields r, Source source, boolean chosen, Map<String, String> extra)
            throws RecordException {
        JsonNode msgs = require(r, "messages", Format.WORKBENCH, chosen);
        if (!msgs.isArray()) {
            throw new RecordException("'messages' must be an array of {role, content}");
        }
        Draft d = new Draft(source);
        JsonNode category = options.category() != null ? r.take("category")
                : require(r, "category", Format.WORKBENCH, chosen);
        d.category = category == null ? null : Category.parse(category.asText());
        JsonNode st = r.take("status");
        d.status = st == null ? ReviewStatus.PENDING : ReviewStatus.parse(st.asText());
        d.harm = scalar(r.take(r.has("harm_category") ? "harm_category" : "harm"));
        d.tags.addAll(tags(r.take("tags")));
        d.tools = ExampleJson.toolsText(r.take("tools"));
        for (Map.Entry<String, JsonNode> f : r.node().path("metadata").properties()) {
            d.meta.put(f.getKey(), text(f.getValue()));
        }
        r.take("metadata");
        // A canonical record keeps the source it was first imported from, so export and re-import round-trip.
        JsonNode src = r.take("source");
        if (src != null && src.isObject() && !src.path("file").asText("").isEmpty()) {
            d.source = new Source(src.path("file").asText(), src.path("line").asLong(0));
        }
        List<Message> ms = canonicalMessages(msgs, "messages");
        JsonNode rejected = r.take("rejected");
        List<Message> rs = rejected == null ? List.of() : canonicalMessages(rejected, "rejected");
        r.rest(d.meta);
        d.meta.putAll(extra);
        return check(d, ms, rs);
    }

    private List<Message> canonicalMessages(JsonNode msgs, String what) throws RecordException {
        TurnReader roles = new TurnReader(Map.of(), false);
        List<Message> out = new ArrayList<>(msgs.size());
        int i = 0;
        for (JsonNode m : msgs) {
            i++;
            Role role = roles.role(m.get("role"), what, i);
            List<Part> parts = new ArrayList<>();
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                parts.add(new Part.Text(content.textValue()));
            } else if (content != null && content.isArray()) {
                int j = 0;
                for (JsonNode p : content) {
                    j++;
                    parts.add(canonicalPart(p, i, j));
                }
            }
            out.add(new Message(role, parts));
        }
        return out;
    }

    private Part canonicalPart(JsonNode p, int message, int part) throws RecordException {
        String type = p.path("type").asText("");
        if (type.equals("text")) {
            return new Part.Text(p.path("text").asText(""));
        }
        if (type.equals("image") && p.hasNonNull("url") && !p.hasNonNull("sha256")) {
            return images.part(p.get("url").asText());
        }
        if (type.equals("image")) {
            return new Part.Image(workbenchImage(p, message, part));
        }
        throw new RecordException("message " + message + " part " + part + " has type '" + type + "'; a part is "
                + "{\"type\":\"text\",\"text\":...} or {\"type\":\"image\",\"sha256\":...,\"path\":...}");
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

    // --- the end every shape shares --------------------------------------------------------------------------

    private Example finish(Draft d) throws RecordException {
        ImagePlacement.Placed p = ImagePlacement.place(d.turns, d.rejected, d.refs, images);
        return check(d, p.messages(), p.rejected());
    }

    /** Category (forced, own, or detected with a structural fallback), the rules, the status override. */
    private Example check(Draft d, List<Message> ms, List<Message> rejected) throws RecordException {
        DatasetKind kind = options.kind();
        if (kind == DatasetKind.SFT && !ms.isEmpty() && ms.stream().noneMatch(m -> m.role().isModelTurn())) {
            throw new RecordException("the conversation has no assistant message, so it looks like a prompt set: "
                    + "import it with --kind prompts (SFT needs an answer to learn from)");
        }
        Category explicit = options.category() != null ? options.category() : d.category;
        Category c = explicit;
        if (c == null) {
            c = rules.detect(ms, d.harm);
            if (d.hint != null && c == Category.TEXT) {
                c = d.hint;
            }
        }
        Example e = new Example(0, ms, c, d.source, d.tags, d.status, d.harm, d.meta, d.tools, rejected);
        List<String> broken = rules.problems(e, kind);
        if (!broken.isEmpty() && explicit == null && d.harm == null) {
            Category structural = rules.detectStructure(ms);
            Example fallback = e.withCategory(structural);
            if (structural != c && rules.problems(fallback, kind).isEmpty()) {
                d.notes.add(c == Category.SAFETY
                        ? "the answer reads like a refusal; set Safety and a harm category if it is one"
                        : "detected as " + c.label() + " from its text, but " + String.join("; ", broken)
                        + "; imported as " + structural.label());
                e = fallback;
                broken = List.of();
            }
        }
        if (!broken.isEmpty()) {
            throw new RecordException(String.join("; ", broken));
        }
        if (!d.notes.isEmpty()) {
            Map<String, String> meta = new LinkedHashMap<>(e.metadata());
            meta.put(REVIEW_NOTE, String.join("; ", d.notes));
            e = e.withMetadata(meta);
        }
        return options.status() == null ? e : e.withStatus(options.status());
    }

    // --- field helpers ---------------------------------------------------------------------------------------

    /** What one record becomes before images are resolved and the category is settled. */
    private static final class Draft {
        Source source;
        final List<TurnReader.Turn> turns = new ArrayList<>();
        final List<TurnReader.Turn> rejected = new ArrayList<>();
        final List<String> refs = new ArrayList<>();
        final Set<String> tags = new LinkedHashSet<>();
        final Map<String, String> meta = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();
        Category category;
        Category hint;
        String harm;
        String tools;
        ReviewStatus status = ReviewStatus.PENDING;

        Draft(Source source) {
            this.source = source;
        }
    }

    /** A record's fields, remembering which were read so that the rest can be kept as metadata. */
    private static final class Fields {
        private final JsonNode node;
        private final Set<String> used = new LinkedHashSet<>();

        Fields(JsonNode node) {
            this.node = node;
        }

        JsonNode node() {
            return node;
        }

        boolean has(String field) {
            return node.has(field);
        }

        /** The field's value (null when absent or null), marked as read. */
        JsonNode take(String field) {
            if (field == null) {
                return null;
            }
            used.add(field);
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v;
        }

        /** Every field not read, as text (nested values as compact JSON); an unread {@code id} as source_id. */
        void rest(Map<String, String> meta) {
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                String k = f.getKey();
                JsonNode v = f.getValue();
                if (used.contains(k) || v.isNull()) {
                    continue;
                }
                meta.putIfAbsent(k.equals("id") ? "source_id" : k, text(v));
            }
        }
    }

    /**
     * Which source field feeds our field {@code ours}: the user's mapping as given, else the format's name when
     * the record has it, else the first of the usual names it has; null when none.
     */
    private String field(Fields r, Map<String, String> cols, String ours, String... usual) {
        String given = options.columns().get(ours);
        if (given != null) {
            return given;
        }
        String implied = cols.get(ours);
        if (implied != null && r.has(implied)) {
            return implied;
        }
        for (String u : usual) {
            if (r.has(u)) {
                return u;
            }
        }
        return null;
    }

    /** Image references: a list, or one; entries are strings or {@code {path|url}} objects. */
    private static List<String> imageRefs(JsonNode v) throws RecordException {
        if (v == null) {
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
        for (String k : new String[] {"path", "url"}) {
            if (v.hasNonNull(k)) {
                return v.get(k).asText();
            }
        }
        throw new RecordException("an entry of the image list is neither a path string nor {\"path\":...}");
    }

    private static Set<String> tags(JsonNode t) {
        if (t == null) {
            return Set.of();
        }
        if (t.isValueNode()) {
            return t.asText().isBlank() ? Set.of() : Set.of(t.asText());
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode e : t) {
            if (e.isValueNode() && !e.isNull()) {
                out.add(e.asText());
            }
        }
        return out;
    }

    /** A scalar's text, stripped; null for absent, blank or nested values. */
    private static String scalar(JsonNode v) {
        if (v == null || !v.isValueNode()) {
            return null;
        }
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }

    /** A value as metadata text: scalars as they are, nested values as compact JSON. */
    private static String text(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static JsonNode require(Fields r, String field, Format format, boolean chosen) throws RecordException {
        JsonNode v = r.take(field);
        if (v == null) {
            throw new RecordException(missing(field, format, chosen));
        }
        return v;
    }

    private static String missing(String field, Format format, boolean chosen) {
        return "the record has no '" + field + "', which the " + format.wireName() + " format needs (" + how(chosen)
                + "); fix the record" + (chosen ? " or pick another --format" : ", or split files of mixed formats");
    }

    private static String how(boolean chosen) {
        return chosen ? "chosen with --format" : "detected from the first record";
    }
}
