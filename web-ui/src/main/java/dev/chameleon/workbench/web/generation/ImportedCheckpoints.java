package dev.chameleon.workbench.web.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.cli.ErrorMessages;
import dev.chameleon.workbench.trainer.hf.HfChameleonConfig;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.hf.InvalidHfCheckpointException;
import dev.chameleon.workbench.trainer.hf.InvalidHfConfigException;
import dev.chameleon.workbench.trainer.hf.safetensors.InvalidSafetensorsException;
import dev.chameleon.workbench.trainer.hf.safetensors.ShardedSafetensors;
import dev.chameleon.workbench.trainer.model.ModelConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checkpoints a user brought into the workspace, registered in {@code WORKSPACE/checkpoints/imported.json}:
 * folders in the Hugging Face layout (docs/chameleon.md#hugging-face-layout) that stay where they are. Released
 * checkpoints are 14-60 GB, so the registry holds each folder's path and a summary of its config.json, never a copy;
 * removing an entry forgets the folder and leaves its files alone.
 *
 * <pre>
 *   {"checkpoints": [
 *     {"name": "chameleon-7b", "path": "/models/chameleon-7b", "kind": "hf", "added": "2025-05-01T10:00:00Z",
 *      "model": {"parameters": 7043551232, "layers": 32, "hidden": 4096, "heads": 32, "vocab": 65536,
 *                "swin_norm": false}}]}
 * </pre>
 *
 * <p>Adding reads config.json and the safetensors headers only (no weights, no engine): the folder must describe a
 * Chameleon our model can hold and hold every language-model tensor that config calls for, plus tokenizer.json.
 * The file is rewritten whole through a temporary sibling and a lock file, so the web app and a {@code workbench
 * checkpoints} command may change it at the same time.
 */
public final class ImportedCheckpoints {

    /** The registry, relative to the workspace. */
    public static final String FILE = "checkpoints/imported.json";
    /** The one kind of folder registered so far: the Hugging Face layout. */
    public static final String KIND_HF = "hf";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One writer at a time within this process; the file lock orders writers of other processes. */
    private static final Object WRITERS = new Object();

    private final Path file;

    /** The registry of the workspace at {@code workspaceRoot}. */
    public ImportedCheckpoints(Path workspaceRoot) {
        this.file = workspaceRoot.toAbsolutePath().normalize().resolve(FILE);
    }

    /**
     * One registered folder.
     *
     * @param name  unique in the workspace, as the CLI and the pickers name it
     * @param path  the folder, absolute
     * @param kind  {@value #KIND_HF}
     * @param added when it was registered
     * @param model what its config.json describes
     */
    public record Entry(String name, Path path, String kind, Instant added, ModelSummary model) {

        /** "imported · NAME (7.0B, 32 layers)", with "· folder missing" when the folder is gone. */
        public String label() {
            return "imported · " + name + " (" + model.shortText() + ")" + (present() ? "" : " · folder missing");
        }

        /** Whether the folder is still there. */
        public boolean present() {
            return Files.isDirectory(path);
        }
    }

    /**
     * The model a folder's config.json describes.
     *
     * @param parameters trainable parameters of the language model (the image tokenizer not counted)
     * @param swinNorm   whether the norms come after attention and the MLP (Chameleon 30B)
     */
    public record ModelSummary(long parameters, int layers, int hidden, int heads, int vocab, boolean swinNorm) {

        static ModelSummary of(ModelConfig c) {
            return new ModelSummary(c.parameterCount(), c.layers(), c.hidden(), c.heads(), c.vocabSize(),
                    c.normReordering());
        }

        /** "7.0B, 32 layers". */
        public String shortText() {
            return size(parameters) + ", " + layersText();
        }

        /** "7.0B parameters, 32 layers, hidden 4096, 32 heads, vocabulary 65536, swin_norm false". */
        public String longText() {
            return size(parameters) + " parameters, " + layersText() + ", hidden " + hidden + ", " + heads
                    + " heads, vocabulary " + vocab + ", swin_norm " + swinNorm;
        }

        private String layersText() {
            return layers + (layers == 1 ? " layer" : " layers");
        }

        /** 7043551232 -> "7.0B", 34600000 -> "34.6M". */
        static String size(long n) {
            if (n >= 1_000_000_000L) {
                return String.format(Locale.ROOT, "%.1fB", n / 1e9);
            }
            if (n >= 1_000_000L) {
                return String.format(Locale.ROOT, "%.1fM", n / 1e6);
            }
            if (n >= 1_000L) {
                return String.format(Locale.ROOT, "%.1fK", n / 1e3);
            }
            return Long.toString(n);
        }
    }

    /** A name that is malformed or taken (the folder itself may be fine). */
    public static final class RefusedName extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        RefusedName(String message) {
            super(message);
        }
    }

    /** The registry file. */
    public Path file() {
        return file;
    }

    /** Every registered folder, oldest first (folders that have gone missing included; see {@link Entry#present}). */
    public List<Entry> list() {
        if (!Files.exists(file)) {
            return List.of();
        }
        return read();
    }

    /** The entry named {@code name}. */
    public Optional<Entry> byName(String name) {
        return list().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The entry registered for {@code dir} (absolute, normalised). */
    public Optional<Entry> byPath(Path dir) {
        Path p = dir.toAbsolutePath().normalize();
        return list().stream().filter(e -> e.path().equals(p)).findFirst();
    }

    /**
     * Registers {@code dir} after checking it ({@link #inspect}). {@code name} may be null: then the folder's name
     * (for a Hugging Face cache snapshot {@code models--ORG--NAME/snapshots/HASH}, NAME), made unique with -2, -3...
     *
     * @throws IllegalArgumentException saying what is wrong with the folder or the name and what to do instead
     */
    public Entry add(Path dir, String name) {
        if (name != null && !name.isBlank()) {
            checkName(name.strip());
        }
        Path path = dir.toAbsolutePath().normalize();
        ModelSummary model = inspect(path);
        return locked(() -> {
            List<Entry> all = new ArrayList<>(Files.exists(file) ? read() : List.of());
            for (Entry e : all) {
                if (e.path().equals(path)) {
                    throw new IllegalArgumentException(path + " is already registered as '" + e.name()
                            + "'; remove that entry first to register it under another name");
                }
            }
            String chosen;
            if (name != null && !name.isBlank()) {
                chosen = name.strip();
                for (Entry e : all) {
                    if (e.name().equals(chosen)) {
                        throw new RefusedName("a checkpoint named '" + chosen + "' is already "
                                + "registered (" + e.path() + "); choose another name, or remove that one first");
                    }
                }
            } else {
                chosen = unique(defaultName(path), all);
            }
            Entry entry = new Entry(chosen, path, KIND_HF, Instant.now(), model);
            all.add(entry);
            write(all);
            return entry;
        });
    }

    /**
     * Forgets the entry named {@code name}; the folder and its files are left as they are.
     *
     * @throws IllegalArgumentException when no entry has that name (the message lists the names there are)
     */
    public Entry remove(String name) {
        return locked(() -> {
            List<Entry> all = new ArrayList<>(Files.exists(file) ? read() : List.of());
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).name().equals(name)) {
                    Entry gone = all.remove(i);
                    write(all);
                    return gone;
                }
            }
            throw new IllegalArgumentException("no imported checkpoint is named '" + name + "'; "
                    + (all.isEmpty() ? "none are registered" : "the registered ones are "
                    + String.join(", ", all.stream().map(Entry::name).toList())));
        });
    }

    /**
     * Checks that {@code dir} is a Chameleon checkpoint in the Hugging Face layout the workbench can use, reading
     * config.json and the safetensors headers only, and summarises its model.
     *
     * @throws IllegalArgumentException naming the folder or file, what is wrong and what to give instead
     */
    public static ModelSummary inspect(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a folder; give the folder that holds the checkpoint's "
                    + "config.json, its .safetensors weights and tokenizer.json");
        }
        if (Files.isRegularFile(dir.resolve(Checkpoint.MODEL)) && !Files.exists(dir.resolve(HfCheckpoint.CONFIG))) {
            throw new IllegalArgumentException(dir + " is a checkpoint the workbench trained (it holds "
                    + Checkpoint.MODEL + "); those are listed already and need no registering, and a folder given "
                    + "here must be in the Hugging Face layout (config.json and .safetensors weights)");
        }
        if (!Files.isRegularFile(dir.resolve(HfCheckpoint.CONFIG))) {
            throw new IllegalArgumentException(dir + " has no " + HfCheckpoint.CONFIG + ", so it is not a checkpoint"
                    + " in the Hugging Face layout; give the folder that holds config.json next to model.safetensors"
                    + " (or model-0000N-of-0000M.safetensors with " + ShardedSafetensors.INDEX_FILE
                    + ") and tokenizer.json");
        }
        ModelConfig model;
        try (HfCheckpoint hf = HfCheckpoint.open(dir)) {
            model = hf.modelConfig();
            List<String> missing = missingTensors(hf.config(), hf.weights());
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(hf.weights().directory() + ": the weights lack " + missing.size()
                        + " tensor(s) the model of config.json needs, e.g. " + String.join(", ",
                        missing.subList(0, Math.min(3, missing.size()))) + "; the download is incomplete (check every"
                        + " shard) or config.json belongs to another model");
            }
            if (hf.tokenizer().isEmpty()) {
                throw new IllegalArgumentException(dir + " has no " + HfCheckpoint.TOKENIZER + "; copy the "
                        + "tokenizer.json of the same release into the folder (the Playground and training read the "
                        + "checkpoint's own text tokenizer)");
            }
        } catch (InvalidHfConfigException | InvalidHfCheckpointException | InvalidSafetensorsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the checkpoint in " + dir + ": " + ErrorMessages.of(e), e);
        }
        return ModelSummary.of(model);
    }

    /**
     * The language-model tensors config.json's model needs that the weights lack, by name only (shapes are checked
     * when the weights are loaded). The names are those of {@link dev.chameleon.workbench.trainer.hf.HfWeights}.
     */
    static List<String> missingTensors(HfChameleonConfig config, ShardedSafetensors weights) {
        List<String> needed = new ArrayList<>(List.of("model.embed_tokens.weight", "model.norm.weight"));
        if (!config.tieWordEmbeddings()) {
            needed.add("lm_head.weight");
        }
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            for (String t : List.of("input_layernorm.weight", "post_attention_layernorm.weight",
                    "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
                    "self_attn.o_proj.weight", "self_attn.q_norm.weight", "self_attn.k_norm.weight",
                    "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight")) {
                needed.add(p + t);
            }
        }
        return needed.stream().filter(n -> !weights.contains(n)).toList();
    }

    /** A name the CLI and the pickers can use, or the reason it is refused. */
    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new RefusedName("'" + name + "' cannot name a checkpoint: use letters, digits, '.', "
                    + "'_' and '-' (at most 64, starting with a letter or digit), e.g. chameleon-7b");
        }
    }

    /** The folder's name, or the model's name for a Hugging Face cache snapshot, cut to a valid name. */
    static String defaultName(Path dir) {
        Path parent = dir.getParent();
        String base = dir.getFileName() == null ? "checkpoint" : dir.getFileName().toString();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("snapshots")
                && parent.getParent() != null && parent.getParent().getFileName() != null) {
            String repo = parent.getParent().getFileName().toString();      // models--facebook--chameleon-7b
            int cut = repo.lastIndexOf("--");
            if (repo.startsWith("models--") && cut + 2 < repo.length()) {
                base = repo.substring(cut + 2);
            }
        }
        String clean = base.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        clean = clean.length() > 60 ? clean.substring(0, 60) : clean;
        return clean.isEmpty() ? "checkpoint" : clean;
    }

    private static String unique(String base, List<Entry> all) {
        String name = base;
        for (int i = 2; taken(name, all); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    private static boolean taken(String name, List<Entry> all) {
        return all.stream().anyMatch(e -> e.name().equals(name));
    }

    // ---- the file -----------------------------------------------------------------------------------------------

    private List<Entry> read() {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalStateException(file + " cannot be read as JSON (" + ErrorMessages.of(e) + "); it only "
                    + "lists registered checkpoint folders: fix it, or delete it and add the folders again");
        }
        JsonNode list = root == null ? null : root.get("checkpoints");
        if (list == null || !list.isArray()) {
            throw new IllegalStateException(file + " has no \"checkpoints\" list; fix it, or delete it and add the "
                    + "folders again");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            try {
                JsonNode m = n.path("model");
                out.add(new Entry(text(n, "name"), Path.of(text(n, "path")), text(n, "kind"),
                        Instant.parse(text(n, "added")), new ModelSummary(m.path("parameters").asLong(),
                        m.path("layers").asInt(), m.path("hidden").asInt(), m.path("heads").asInt(),
                        m.path("vocab").asInt(), m.path("swin_norm").asBoolean())));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new IllegalStateException(file + ": entry " + (i + 1) + " is not a registered checkpoint ("
                        + e.getMessage() + "); fix it, or remove it from the file");
            }
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    private void write(List<Entry> all) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("checkpoints");
        for (Entry e : all) {
            ObjectNode n = list.addObject();
            n.put("name", e.name());
            n.put("path", e.path().toString());
            n.put("kind", e.kind());
            n.put("added", e.added().toString());
            ObjectNode m = n.putObject("model");
            m.put("parameters", e.model().parameters());
            m.put("layers", e.model().layers());
            m.put("hidden", e.model().hidden());
            m.put("heads", e.model().heads());
            m.put("vocab", e.model().vocab());
            m.put("swin_norm", e.model().swinNorm());
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(root));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + ErrorMessages.of(e), e);
        }
    }

    /** Runs a read-modify-write of the file under a lock other processes honour too. */
    private <T> T locked(java.util.function.Supplier<T> change) {
        try {
            Files.createDirectories(file.getParent());
            synchronized (WRITERS) {
                try (FileChannel ch = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
                    return change.get();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file + ": " + ErrorMessages.of(e), e);
        }
    }
}
