package dev.chameleon.workbench.trainer.hf.safetensors;

import static dev.chameleon.workbench.trainer.hf.safetensors.InvalidSafetensorsException.tensorPart;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The weights of a model folder in the Hugging Face layout: either one {@code model.safetensors} or shards named
 * by {@code model.safetensors.index.json}:
 * <pre>
 *   {"metadata": {"total_size": 26953662464},
 *    "weight_map": {"lm_head.weight": "model-00002-of-00002.safetensors", ...}}
 * </pre>
 * {@link #open} checks the index (every shard it names is a plain file name in this folder and exists); each
 * shard is opened on the first read of one of its tensors, and then every tensor the index puts in it must be
 * there. Shards may be symbolic links (the Hugging Face cache links them into its blob store).
 */
public final class ShardedSafetensors implements Closeable {

    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private final Path dir;
    private final Path index;
    private final Map<String, String> weightMap;
    private final Map<String, String> metadata;
    private final Map<String, SafetensorsFile> opened = new HashMap<>();
    private boolean closed;

    private ShardedSafetensors(Path dir, Path index, Map<String, String> weightMap, Map<String, String> metadata) {
        this.dir = dir;
        this.index = index;
        this.weightMap = weightMap;
        this.metadata = metadata;
    }

    /**
     * Opens the weights in {@code dir}: the index when there is one, else {@code model.safetensors}.
     *
     * @throws NoSuchFileException          when the folder holds neither
     * @throws InvalidSafetensorsException  when the index or the single file breaks the format
     */
    public static ShardedSafetensors open(Path dir) throws IOException {
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openIndex(dir, index);
        }
        Path single = dir.resolve(SINGLE_FILE);
        if (!Files.isRegularFile(single)) {
            throw new NoSuchFileException(dir.toString(), null, "holds neither " + INDEX_FILE + " nor "
                    + SINGLE_FILE + "; is it a model folder in the Hugging Face layout?");
        }
        SafetensorsFile file = SafetensorsFile.open(single);
        Map<String, String> weightMap = new TreeMap<>();
        for (String name : file.names()) {
            weightMap.put(name, SINGLE_FILE);
        }
        ShardedSafetensors s = new ShardedSafetensors(dir, null, Collections.unmodifiableMap(weightMap),
                file.metadata());
        s.opened.put(SINGLE_FILE, file);
        return s;
    }

    private static ShardedSafetensors openIndex(Path dir, Path index) throws IOException {
        long size = Files.size(index);
        if (size > Header.MAX_HEADER_BYTES) {
            throw new InvalidSafetensorsException(index, "index", "has " + size + " bytes, more than the "
                    + Header.MAX_HEADER_BYTES + " an index may have");
        }
        JsonNode root = Header.json(Files.readAllBytes(index), index, "index");
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new InvalidSafetensorsException(index, "weight_map", "must be a non-empty object from tensor "
                    + "name to shard file name");
        }
        Map<String, String> weightMap = new TreeMap<>();
        Set<String> checked = new TreeSet<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String part = tensorPart(e.getKey());
            if (!e.getValue().isTextual()) {
                throw new InvalidSafetensorsException(index, part, "its shard must be a file name string, found "
                        + e.getValue().getNodeType().toString().toLowerCase());
            }
            String shard = e.getValue().textValue();
            if (checked.add(shard)) {
                checkShard(dir, index, part, shard);
            }
            weightMap.put(e.getKey(), shard);
        }
        return new ShardedSafetensors(dir, index, Collections.unmodifiableMap(weightMap),
                indexMetadata(index, root.get("metadata")));
    }

    private static void checkShard(Path dir, Path index, String part, String shard)
            throws InvalidSafetensorsException {
        boolean plain = !shard.isEmpty() && !shard.equals(".") && !shard.equals("..") && shard.indexOf('/') < 0
                && shard.indexOf('\\') < 0 && shard.indexOf('\0') < 0;
        Path file = null;
        if (plain) {
            try {
                file = dir.resolve(shard);
                plain = file.normalize().getParent().equals(dir.normalize()) && !Path.of(shard).isAbsolute();
            } catch (InvalidPathException e) {
                plain = false;
            }
        }
        if (!plain) {
            throw new InvalidSafetensorsException(index, part, "its shard '" + shard
                    + "' is not a plain file name in the model folder; shards must lie beside the index");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidSafetensorsException(index, part, "its shard '" + shard + "' is missing from " + dir);
        }
    }

    private static Map<String, String> indexMetadata(Path index, JsonNode node) throws InvalidSafetensorsException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidSafetensorsException(index, "metadata", "must be an object");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new InvalidSafetensorsException(index, "metadata", "the value of '" + e.getKey()
                        + "' must be a string or a number");
            }
            m.put(e.getKey(), e.getValue().asText());
        }
        return Collections.unmodifiableMap(m);
    }

    public Path directory() {
        return dir;
    }

    /** Every tensor name, sorted. */
    public Set<String> names() {
        return weightMap.keySet();
    }

    public boolean contains(String name) {
        return weightMap.containsKey(name);
    }

    /** The index's metadata (e.g. total_size), or the single file's {@code __metadata__}. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The shard files, in name order. */
    public List<Path> shards() {
        List<Path> out = new ArrayList<>();
        for (String s : new TreeSet<>(weightMap.values())) {
            out.add(dir.resolve(s));
        }
        return out;
    }

    /** The file that holds the named tensor. */
    public Path shardOf(String name) {
        return dir.resolve(shardName(name));
    }

    public TensorInfo tensor(String name) throws IOException {
        return file(name).tensor(name);
    }

    public float[] readFloats(String name) throws IOException {
        return file(name).readFloats(name);
    }

    public void readFloats(String name, FloatBuffer dst) throws IOException {
        file(name).readFloats(name, dst);
    }

    public ByteBuffer readRaw(String name) throws IOException {
        return file(name).readRaw(name);
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        IOException first = null;
        for (SafetensorsFile f : opened.values()) {
            try {
                f.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        opened.clear();
        if (first != null) {
            throw first;
        }
    }

    private String shardName(String name) {
        String shard = weightMap.get(name);
        if (shard == null) {
            throw new IllegalArgumentException(dir + " has no tensor '" + name + "' (it has " + weightMap.size()
                    + " tensors)");
        }
        return shard;
    }

    private synchronized SafetensorsFile file(String name) throws IOException {
        String shard = shardName(name);
        if (closed) {
            throw new IllegalStateException(dir + ": the weights are closed");
        }
        SafetensorsFile f = opened.get(shard);
        if (f == null) {
            f = SafetensorsFile.open(dir.resolve(shard));
            try {
                for (Map.Entry<String, String> e : weightMap.entrySet()) {
                    if (e.getValue().equals(shard) && !f.contains(e.getKey())) {
                        throw new InvalidSafetensorsException(index, tensorPart(e.getKey()), "the index puts it in '"
                                + shard + "', which has no such tensor");
                    }
                }
            } catch (IOException e) {
                f.close();
                throw e;
            }
            opened.put(shard, f);
        }
        return f;
    }
}
