package dev.chameleon.workbench.trainer.hf.safetensors;

import dev.chameleon.workbench.trainer.hf.json.StrictJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a model's weights into a folder in the Hugging Face layout, split into shards of at most
 * {@code maxShardBytes} of tensor data: {@code model-00001-of-00003.safetensors} ... plus
 * {@code model.safetensors.index.json}, or a single {@code model.safetensors} (and no index) when everything
 * fits in one shard. Tensors go into shards in the single-file writer's order; one larger than the limit gets a
 * shard of its own. Every shard carries the metadata; the index is written last, and files of an earlier write
 * that the new one does not name ({@code model.safetensors}, the index, {@code model-NNNNN-of-NNNNN.safetensors})
 * are removed, so the folder never mixes two writes for {@link ShardedSafetensors}.
 */
public final class ShardedSafetensorsWriter {

    private static final String SHARD_PATTERN = "model-\\d{5}-of-\\d{5}\\.safetensors";

    private final long maxShardBytes;
    private final SafetensorsWriter tensors = new SafetensorsWriter();

    /** @param maxShardBytes the most tensor bytes per shard, e.g. 5 GB as Hugging Face's default */
    public ShardedSafetensorsWriter(long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, given " + maxShardBytes);
        }
        this.maxShardBytes = maxShardBytes;
    }

    /** Adds one {@code __metadata__} entry to every shard, e.g. ("format", "pt"). */
    public ShardedSafetensorsWriter metadata(String key, String value) {
        tensors.metadata(key, value);
        return this;
    }

    /** As {@link SafetensorsWriter#add(String, Dtype, long[], float[])}. */
    public ShardedSafetensorsWriter add(String name, Dtype dtype, long[] shape, float[] values) {
        tensors.add(name, dtype, shape, values);
        return this;
    }

    /** As {@link SafetensorsWriter#add(String, Dtype, long[], FloatSource)}. */
    public ShardedSafetensorsWriter add(String name, Dtype dtype, long[] shape, FloatSource source) {
        tensors.add(name, dtype, shape, source);
        return this;
    }

    /** Writes the shards and the index into {@code dir} (created if missing); returns the files written. */
    public List<Path> write(Path dir) throws IOException {
        List<SafetensorsWriter.Entry> all = tensors.entries();
        all.sort(SafetensorsWriter.ORDER);
        List<List<SafetensorsWriter.Entry>> shards = new ArrayList<>();
        List<SafetensorsWriter.Entry> current = new ArrayList<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (SafetensorsWriter.Entry e : all) {
            if (!current.isEmpty() && currentBytes + e.byteLength() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e);
            currentBytes += e.byteLength();
            totalBytes += e.byteLength();
        }
        shards.add(current);
        Files.createDirectories(dir);
        Map<String, String> metadata = tensors.metadataMap();
        List<Path> written = new ArrayList<>();
        if (shards.size() == 1) {
            Path single = dir.resolve(ShardedSafetensors.SINGLE_FILE);
            SafetensorsWriter.write(single, metadata, shards.get(0));
            written.add(single);
        } else {
            Map<String, String> weightMap = new TreeMap<>();
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                SafetensorsWriter.write(dir.resolve(name), metadata, shards.get(i));
                for (SafetensorsWriter.Entry e : shards.get(i)) {
                    weightMap.put(e.name(), name);
                }
                written.add(dir.resolve(name));
            }
            Path index = dir.resolve(ShardedSafetensors.INDEX_FILE);
            SafetensorsWriter.writeAtomically(index, index(totalBytes, weightMap));
            written.add(index);
        }
        removeStale(dir, written);
        return written;
    }

    private static byte[] index(long totalBytes, Map<String, String> weightMap) throws JsonProcessingException {
        ObjectNode root = StrictJson.MAPPER.createObjectNode();
        root.putObject("metadata").put("total_size", totalBytes);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        return (StrictJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void removeStale(Path dir, List<Path> written) throws IOException {
        Set<Path> keep = new HashSet<>(written);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                boolean ours = n.equals(ShardedSafetensors.SINGLE_FILE) || n.equals(ShardedSafetensors.INDEX_FILE)
                        || n.matches(SHARD_PATTERN);
                if (ours && !keep.contains(f)) {
                    Files.delete(f);
                }
            }
        }
    }
}
