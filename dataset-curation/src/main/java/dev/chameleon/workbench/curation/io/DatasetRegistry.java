package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * LLaMA-Factory's dataset registry ({@code dataset_info.json}): a JSON object naming datasets, each with where its
 * data is ({@code file_name}, or a hub address), its {@code formatting} (alpaca or sharegpt), {@code columns},
 * sharegpt {@code tags} and whether it is a preference set ({@code ranking}).
 *
 * <p>People who train with LLaMA-Factory already describe their files this way, so importing the registry imports
 * what they have without re-describing each file. Only local files can be imported (the workbench works offline):
 * entries that live only on a hub or behind a script come back skipped, with the reason. The registry's column and
 * tag names become the importer's column mapping; LLaMA-Factory's alpaca {@code query} is our {@code input} and its
 * {@code kto_tag} our {@code label}.
 */
public final class DatasetRegistry {

    /** Registries are small; anything larger is a data file, not worth parsing as a whole to find out. */
    private static final long MAX_BYTES = 16L << 20;

    /** The keys that say where an entry's data is, in the order LLaMA-Factory looks at them (local first here). */
    private static final List<String> SOURCE_KEYS = List.of("file_name", "hf_hub_url", "ms_hub_url", "om_hub_url",
            "script_url", "cloud_file_name");

    /** LLaMA-Factory column keys to our field names. */
    private static final Map<String, String> COLUMNS = orderedMap(
            "prompt", "prompt", "query", "input", "response", "response", "history", "history",
            "messages", "messages", "system", "system", "tools", "tools", "images", "images",
            "chosen", "chosen", "rejected", "rejected", "kto_tag", "label");

    /** Columns LLaMA-Factory knows whose content the workbench cannot hold. */
    private static final Set<String> UNSUPPORTED_COLUMNS = Set.of("videos", "audios");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DatasetRegistry() {
    }

    /**
     * One dataset of the registry, or one data file of it when its {@code file_name} is a folder.
     *
     * @param name          the dataset's name in the registry
     * @param file          the data file (absolute), or null when skipped
     * @param format        the record format its {@code formatting} names, or null when skipped
     * @param columns       the column mapping (our field name to the file's field name or tag value)
     * @param skippedReason why it cannot be imported and what to do about it, or null when it can
     */
    public record Entry(String name, Path file, Format format, Map<String, String> columns, String skippedReason) {

        public Entry {
            columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        }

        public boolean skipped() {
            return skippedReason != null;
        }
    }

    /** An entry that cannot be imported; the message is the entry's skipped reason. */
    private static final class Skip extends Exception {
        private static final long serialVersionUID = 1L;

        Skip(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * True when the file is a JSON object whose values are all objects, at least one of which says where its data
     * is ({@code file_name}, {@code hf_hub_url} and the like): a registry, not a data file. Never throws.
     */
    public static boolean looksLikeRegistry(Path path) {
        try {
            return Files.isRegularFile(path) && Files.size(path) <= MAX_BYTES && isRegistry(parse(path));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The registry's entries in its order: one per dataset, or one per data file of a dataset whose
     * {@code file_name} is a folder. Entries that cannot be imported carry their reason instead of a file.
     *
     * @throws IOException when the file cannot be read or is not a registry (the message names the file)
     */
    public static List<Entry> read(Path registry) throws IOException {
        JsonNode root;
        try {
            root = parse(registry);
        } catch (IOException | RuntimeException e) {
            root = null;
        }
        if (root == null || !isRegistry(root)) {
            throw new IOException(registry + " is not a LLaMA-Factory dataset registry (a JSON object of dataset "
                    + "entries, each with file_name or hf_hub_url); import the data files themselves");
        }
        Path folder = registry.toAbsolutePath().normalize().getParent();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            try {
                List<Path> files = files(e.getValue(), folder, registry);
                Format format = format(e.getValue());
                Map<String, String> columns = columns(e.getValue(), format);
                for (Path file : files) {
                    entries.add(new Entry(name, file, format, columns, null));
                }
            } catch (Skip s) {
                entries.add(new Entry(name, null, null, Map.of(), s.getMessage()));
            }
        }
        return entries;
    }

    /** The JSON object the file holds, or null when it holds something else (an array, JSON Lines). */
    private static JsonNode parse(Path path) throws IOException {
        try (JsonParser p = MAPPER.createParser(path.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonNode root = MAPPER.readTree(p);
            return p.nextToken() == null ? root : null;
        }
    }

    private static boolean isRegistry(JsonNode root) {
        if (root == null || !root.isObject() || root.isEmpty()) {
            return false;
        }
        boolean located = false;
        for (JsonNode v : root) {
            if (!v.isObject()) {
                return false;
            }
            located |= SOURCE_KEYS.stream().anyMatch(v::has);
        }
        return located;
    }

    private static Format format(JsonNode spec) throws Skip {
        String formatting = text(spec, "formatting", "alpaca").toLowerCase(Locale.ROOT);
        return switch (formatting) {
            case "alpaca" -> Format.ALPACA;
            case "sharegpt" -> Format.SHAREGPT;
            default -> throw new Skip("formatting '" + formatting + "' is not one the workbench reads; "
                    + "use alpaca or sharegpt");
        };
    }

    /** The registry's columns (and sharegpt tags) as our column mapping; a preference set gets chosen/rejected. */
    private static Map<String, String> columns(JsonNode spec, Format format) throws Skip {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> c : object(spec, "columns")) {
            String key = c.getKey();
            if (UNSUPPORTED_COLUMNS.contains(key)) {
                throw new Skip("it has a " + key + " column, and the workbench holds text and images only; "
                        + "remove " + key + " from its columns to import the rest");
            }
            String ours = COLUMNS.get(key);
            if (ours == null) {
                throw new Skip("columns has an unknown key '" + key + "'; LLaMA-Factory's are "
                        + String.join(", ", COLUMNS.keySet()) + ", videos, audios");
            }
            putText(columns, ours, c, "columns");
        }
        // LLaMA-Factory reads tags for sharegpt only.
        if (format == Format.SHAREGPT) {
            for (Map.Entry<String, JsonNode> t : object(spec, "tags")) {
                // LLaMA-Factory's tag names are ours too.
                if (!ColumnMap.TAGS.contains(t.getKey())) {
                    throw new Skip("tags has an unknown key '" + t.getKey() + "'; LLaMA-Factory's are "
                            + String.join(", ", ColumnMap.TAGS));
                }
                putText(columns, t.getKey(), t, "tags");
            }
        }
        JsonNode ranking = spec.path("ranking");
        if (!ranking.isMissingNode() && !ranking.isNull() && !ranking.isBoolean()) {
            throw new Skip("ranking is " + ranking + ", not true or false");
        }
        if (ranking.asBoolean(false)) {
            columns.putIfAbsent("chosen", "chosen");
            columns.putIfAbsent("rejected", "rejected");
        }
        return columns;
    }

    private static void putText(Map<String, String> columns, String ours, Map.Entry<String, JsonNode> c, String in)
            throws Skip {
        if (c.getValue().isNull()) {
            return;
        }
        if (!c.getValue().isTextual() || c.getValue().asText().isBlank()) {
            throw new Skip(in + "." + c.getKey() + " is " + c.getValue() + ", not a field name");
        }
        columns.put(ours, c.getValue().asText());
    }

    /** The fields of an optional object member; a member of another type is a reason to skip the entry. */
    private static Iterable<Map.Entry<String, JsonNode>> object(JsonNode spec, String key) throws Skip {
        JsonNode v = spec.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return List.of();
        }
        if (!v.isObject()) {
            throw new Skip(key + " is " + v + ", not an object");
        }
        return v.properties();
    }

    private static String text(JsonNode spec, String key, String otherwise) throws Skip {
        JsonNode v = spec.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return otherwise;
        }
        if (!v.isTextual()) {
            throw new Skip(key + " is " + v + ", not a string");
        }
        return v.asText();
    }

    /** The entry's local data files: its file_name, or every data file in it when it names a folder. */
    private static List<Path> files(JsonNode spec, Path folder, Path registry) throws Skip {
        String fileName = text(spec, "file_name", null);
        if (fileName == null) {
            throw new Skip(remote(spec));
        }
        Path target = inside(folder, fileName);
        if (!Files.isDirectory(target)) {
            return List.of(target);
        }
        Path self = registry.toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> list = Files.list(target)) {
            files = list.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".") && !f.equals(self))
                    .sorted().toList();
        } catch (IOException e) {
            throw new Skip("cannot list the folder " + target + " (" + e.getMessage() + "); check its permissions");
        }
        if (files.isEmpty()) {
            throw new Skip("its folder " + target + " holds no data files");
        }
        List<Path> checked = new ArrayList<>();
        for (Path f : files) {
            checked.add(inside(folder, folder.relativize(f).toString()));
        }
        return checked;
    }

    /** Resolves a file_name against the registry's folder, refusing names (or links) that lead out of it. */
    private static Path inside(Path folder, String fileName) throws Skip {
        String outside = "file_name '" + fileName + "' leads outside the registry's folder " + folder
                + "; move the data next to the registry and name it relative to it";
        Path target;
        try {
            target = folder.resolve(fileName).normalize();
        } catch (InvalidPathException e) {
            throw new Skip("file_name '" + fileName + "' is not a valid path (" + e.getReason() + ")");
        }
        if (!target.startsWith(folder)) {
            throw new Skip(outside);
        }
        if (!Files.exists(target)) {
            throw new Skip("file_name '" + fileName + "' does not exist in " + folder + "; check the name");
        }
        try {
            if (!target.toRealPath().startsWith(folder.toRealPath())) {
                throw new Skip(outside);
            }
        } catch (IOException e) {
            throw new Skip("cannot read file_name '" + fileName + "' (" + e.getMessage() + ")");
        }
        return target;
    }

    /** Why an entry without file_name is skipped, naming where its data is. */
    private static String remote(JsonNode spec) {
        String local = "; the workbench imports local files only: download it and name the file in file_name";
        for (String key : SOURCE_KEYS) {
            if (spec.hasNonNull(key)) {
                String where = switch (key) {
                    case "hf_hub_url" -> "on the Hugging Face Hub";
                    case "ms_hub_url" -> "on ModelScope";
                    case "om_hub_url" -> "on Modelers";
                    case "script_url" -> "loaded by a script";
                    default -> "in cloud storage";
                };
                return "it is only " + where + " (" + key + " " + spec.get(key) + ")" + local;
            }
        }
        return "it names no file_name; add file_name with the data file's path relative to the registry";
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
