package dev.chameleon.workbench.trainer.tokens.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes Hugging Face tokenizer.json files for byte-level BPE.
 *
 * <p>Written files carry every id in {@code model.vocab} (the Rust library takes an added token's id from the
 * model vocabulary when it is there, so this pins specials and image codes to our layout) and list all
 * non-text ids again under {@code added_tokens} as special tokens. Names follow the released Chameleon
 * tokenizer: {@code <s> <pad> </s> <unk>}, begin-image {@code <racm3:break>}, end-image {@code <eoss>},
 * end-of-turn {@code <reserved08706>}, image code c as {@code IMGIMG} + the decimal digits of c spelled with
 * the letters A-J (0-9) + {@code Z} (code 42 is {@code IMGIMGECZ}), spare ids {@code <reservedNNNNN>}.
 */
final class TokenizerJson {

    static final String BOS = "<s>";
    static final String PAD = "<pad>";
    static final String EOS = "</s>";
    static final String UNK = "<unk>";
    static final String BEGIN_IMAGE = "<racm3:break>";
    static final String END_IMAGE = "<eoss>";
    static final String END_OF_TURN = "<reserved08706>";

    private TokenizerJson() {
    }

    /** Chameleon's name for image code {@code code}: IMGIMG, the digits as letters A-J, then Z. */
    static String imageName(int code) {
        return VocabularyLayout.imageCodeName(code);
    }

    /** The image code an IMGIMG name spells, or -1 when the name is not one. */
    static int imageCode(String name) {
        if (!name.startsWith("IMGIMG") || !name.endsWith("Z") || name.length() < 8 || name.length() > 17) {
            return -1;
        }
        long code = 0;
        for (int i = 6; i < name.length() - 1; i++) {
            char c = name.charAt(i);
            if (c < 'A' || c > 'J') {
                return -1;
            }
            code = code * 10 + (c - 'A');
        }
        return code > Integer.MAX_VALUE ? -1 : (int) code;
    }

    /** Names of all non-text ids below {@code layout.textStart()} for our layout. */
    static String[] layoutNames(VocabularyLayout layout) {
        String[] names = new String[layout.size()];
        names[layout.bos()] = BOS;
        names[layout.pad()] = PAD;
        names[layout.eos()] = EOS;
        names[layout.unk()] = UNK;
        for (int c = 0; c < layout.codebookSize(); c++) {
            names[layout.imageToken(c)] = imageName(c);
        }
        names[layout.beginImage()] = BEGIN_IMAGE;
        names[layout.endImage()] = END_IMAGE;
        names[layout.endOfTurn()] = END_OF_TURN;
        for (int id = 0; id < layout.textStart(); id++) {
            if (names[id] == null) {
                String spare = String.format("<reserved%05d>", id - 4);
                // Chameleon numbers spares by id - 4; that can meet our end-of-turn's name in other layouts.
                names[id] = spare.equals(END_OF_TURN) ? "<reserved_id" + id + ">" : spare;
            }
        }
        return names;
    }

    static void write(BpeTokenizer tok, Path path) throws IOException {
        int size = tok.layout().size();
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8), 1 << 16)) {
            w.write("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [");
            boolean first = true;
            for (int id = 0; id < size; id++) {
                if (tok.isText(id)) {
                    continue;
                }
                w.write(first ? "\n    " : ",\n    ");
                first = false;
                w.write("{\"id\": " + id + ", \"content\": ");
                string(w, tok.name(id));
                w.write(", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false,"
                        + " \"special\": true}");
            }
            w.write("\n  ],\n  \"normalizer\": null,\n");
            // The pre-tokenizer PreTokenizer mirrors; keep the two in step.
            w.write("  \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false,"
                    + " \"trim_offsets\": true, \"use_regex\": true},\n");
            w.write("  \"post_processor\": null,\n");
            w.write("  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true,"
                    + " \"use_regex\": true},\n");
            w.write("  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
                    + "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n"
                    + "    \"fuse_unk\": false,\n    \"byte_fallback\": false,\n    \"ignore_merges\": false,\n"
                    + "    \"vocab\": {");
            for (int id = 0; id < size; id++) {
                w.write(id == 0 ? "\n      " : ",\n      ");
                string(w, tok.name(id));
                w.write(": " + id);
            }
            w.write("\n    },\n    \"merges\": [");
            for (int r = 0; r < tok.mergeCount(); r++) {
                w.write(r == 0 ? "\n      " : ",\n      ");
                string(w, tok.name(tok.mergeLeft(r)) + " " + tok.name(tok.mergeRight(r)));
            }
            w.write("\n    ]\n  }\n}\n");
        }
    }

    private static void string(Writer w, String s) throws IOException {
        w.write('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                w.write('\\');
                w.write(c);
            } else if (c < 0x20 || c == 0x7F) {
                w.write(String.format("\\u%04x", (int) c));
            } else {
                w.write(c);
            }
        }
        w.write('"');
    }

    static BpeTokenizer read(Path path) throws IOException {
        JsonObject root;
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(r).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(path + " is not a JSON object: " + e.getMessage()
                    + "; pass the tokenizer.json of a Hugging Face tokenizer", e);
        }
        JsonObject model = object(root, "model", path);
        if (!"BPE".equals(text(model, "type"))) {
            throw new IOException(path + ": model.type is " + text(model, "type") + "; only BPE tokenizers load here");
        }
        for (String unsupported : new String[] {"continuing_subword_prefix", "end_of_word_suffix", "dropout"}) {
            if (model.has(unsupported) && !model.get(unsupported).isJsonNull()) {
                throw new IOException(path + ": model." + unsupported + " is set; this encoder supports plain"
                        + " byte-level BPE only, set it to null");
            }
        }
        if (model.has("ignore_merges") && model.get("ignore_merges").getAsBoolean()) {
            throw new IOException(path + ": model.ignore_merges is true; this encoder applies merges always,"
                    + " set it to false");
        }
        if (root.has("normalizer") && !root.get("normalizer").isJsonNull()) {
            throw new IOException(path + ": a normalizer is set; this encoder supports none, set it to null");
        }
        checkPreTokenizer(root.get("pre_tokenizer"), path);

        Map<String, Integer> vocab = new HashMap<>();
        int size = 0;
        for (Map.Entry<String, JsonElement> e : object(model, "vocab", path).entrySet()) {
            int id = e.getValue().getAsInt();
            vocab.put(e.getKey(), id);
            size = Math.max(size, id + 1);
        }
        Map<Integer, String> added = new HashMap<>();
        if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
            for (JsonElement el : root.getAsJsonArray("added_tokens")) {
                JsonObject t = el.getAsJsonObject();
                int id = vocab.getOrDefault(text(t, "content"), t.get("id").getAsInt());
                added.put(id, text(t, "content"));
                size = Math.max(size, id + 1);
            }
        }
        String[] names = new String[size];
        vocab.forEach((name, id) -> names[id] = name);
        added.forEach((id, name) -> names[id] = name);

        int imageStart = -1;
        int codebook = 0;
        int lastNonText = -1;
        for (int id = 0; id < size; id++) {
            if (names[id] == null) {
                continue;
            }
            int code = imageCode(names[id]);
            if (code >= 0) {
                if (imageStart < 0) {
                    imageStart = id - code;
                }
                if (id - code != imageStart) {
                    throw new IOException(path + ": image token " + names[id] + " sits at id " + id + ", expected "
                            + (imageStart + code) + "; image codes must form one contiguous block in code order");
                }
                codebook++;
                lastNonText = id;
            } else if (added.containsKey(id) && !names[id].matches("<unused\\d+>")) {
                lastNonText = id; // ids the trainer left unlearned sit above the text block, not before it
            }
        }
        if (codebook == 0) {
            throw new IOException(path + " has no IMGIMG...Z image-code tokens; add the codebook block"
                    + " (Chameleon spells code c as IMGIMG + digits as letters A-J + Z)");
        }
        if (imageStart + codebook - 1 != lastImage(names, imageStart, codebook)) {
            throw new IOException(path + ": the image-code block from id " + imageStart + " has gaps; all "
                    + codebook + " codes must be present");
        }
        VocabularyLayout layout = new VocabularyLayout(required(vocab, added, BOS, path), required(vocab, added, PAD, path),
                required(vocab, added, EOS, path), required(vocab, added, UNK, path), imageStart, codebook,
                required(vocab, added, BEGIN_IMAGE, path), required(vocab, added, END_IMAGE, path),
                required(vocab, added, END_OF_TURN, path), lastNonText + 1, size);

        byte[][] bytes = new byte[size][];
        for (int id = 0; id < size; id++) {
            if (names[id] != null && !added.containsKey(id) && !layout.isImageCode(id)) {
                bytes[id] = ByteLevel.fromTokenString(names[id]);
                if (bytes[id] == null) {
                    throw new IOException(path + ": vocab entry \"" + names[id] + "\" (id " + id + ") is not in the"
                            + " byte-level alphabet; only byte-level BPE tokenizers load here");
                }
            }
        }

        JsonArray mergeArray = model.getAsJsonArray("merges");
        List<Integer> merges = new ArrayList<>();
        for (int r = 0; mergeArray != null && r < mergeArray.size(); r++) {
            JsonElement m = mergeArray.get(r);
            String left;
            String right;
            if (m.isJsonArray()) {
                left = m.getAsJsonArray().get(0).getAsString();
                right = m.getAsJsonArray().get(1).getAsString();
            } else {
                String s = m.getAsString();
                int space = s.indexOf(' ', 1);
                if (space < 0) {
                    throw new IOException(path + ": merge " + r + " \"" + s + "\" is not \"left right\"");
                }
                left = s.substring(0, space);
                right = s.substring(space + 1);
            }
            Integer l = vocab.get(left);
            Integer rt = vocab.get(right);
            Integer res = vocab.get(left + right);
            if (l == null || rt == null || res == null) {
                throw new IOException(path + ": merge " + r + " (" + left + " + " + right + ") uses a token missing"
                        + " from model.vocab; the file is inconsistent");
            }
            if (bytes[l] == null || bytes[rt] == null || bytes[res] == null) {
                continue; // a merge into a special or image id would let text produce it; the encoder never does
            }
            merges.add(l);
            merges.add(rt);
            merges.add(res);
        }
        int[] triples = merges.stream().mapToInt(Integer::intValue).toArray();
        try {
            return new BpeTokenizer(layout, names, bytes, triples);
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    private static int lastImage(String[] names, int start, int codebook) {
        int last = start - 1;
        for (int id = start; id < start + codebook && id < names.length; id++) {
            if (names[id] == null || imageCode(names[id]) != id - start) {
                return last;
            }
            last = id;
        }
        return last;
    }

    private static void checkPreTokenizer(JsonElement pre, Path path) throws IOException {
        JsonObject byteLevel = null;
        if (pre != null && pre.isJsonObject()) {
            JsonObject p = pre.getAsJsonObject();
            if ("ByteLevel".equals(text(p, "type"))) {
                byteLevel = p;
            } else if ("Sequence".equals(text(p, "type")) && p.getAsJsonArray("pretokenizers").size() == 1
                    && "ByteLevel".equals(text(p.getAsJsonArray("pretokenizers").get(0).getAsJsonObject(), "type"))) {
                byteLevel = p.getAsJsonArray("pretokenizers").get(0).getAsJsonObject();
            }
        }
        boolean ok = byteLevel != null
                && (!byteLevel.has("add_prefix_space") || !byteLevel.get("add_prefix_space").getAsBoolean())
                && (!byteLevel.has("use_regex") || byteLevel.get("use_regex").getAsBoolean());
        if (!ok) {
            throw new IOException(path + ": pre_tokenizer " + pre + " is not supported; this encoder mirrors"
                    + " {\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"use_regex\": true} exactly");
        }
    }

    private static int required(Map<String, Integer> vocab, Map<Integer, String> added, String name, Path path)
            throws IOException {
        Integer id = vocab.get(name);
        if (id == null) {
            for (Map.Entry<Integer, String> e : added.entrySet()) {
                if (e.getValue().equals(name)) {
                    return e.getKey();
                }
            }
            throw new IOException(path + " lacks the special token " + name + "; Chameleon-style tokenizers need"
                    + " <s> <pad> </s> <unk> <racm3:break> <eoss> <reserved08706>");
        }
        return id;
    }

    private static JsonObject object(JsonObject parent, String key, Path path) throws IOException {
        if (!parent.has(key) || !parent.get(key).isJsonObject()) {
            throw new IOException(path + ": \"" + key + "\" is missing or not an object; is this a tokenizer.json?");
        }
        return parent.getAsJsonObject(key);
    }

    private static String text(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : null;
    }
}
