package dev.chameleon.workbench.trainer.hf.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.hf.json.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class ShardedSafetensorsTest {

    @TempDir
    Path dir;

    private static float[] ramp(int n, float start) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i;
        }
        return v;
    }

    /** Five F32 tensors of 400 bytes and one of 2,000 under a 1,000-byte limit. */
    private ShardedSafetensorsWriter fiveSmallOneLarge() {
        ShardedSafetensorsWriter w = new ShardedSafetensorsWriter(1000).metadata("format", "pt");
        for (int i = 0; i < 5; i++) {
            w.add("layers." + i + ".weight", Dtype.F32, new long[] {10, 10}, ramp(100, i * 100));
        }
        return w.add("embed", Dtype.F32, new long[] {500}, ramp(500, -1000));
    }

    @Test
    void aShardedWriteReadsBackWithTheIndex() throws IOException {
        List<Path> written = fiveSmallOneLarge().write(dir);

        // embed alone (larger than the limit), then layers 0-1, 2-3, 4.
        assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly(
                "model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
                "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors",
                ShardedSafetensors.INDEX_FILE);
        String index = Files.readString(dir.resolve(ShardedSafetensors.INDEX_FILE));
        assertThat(index).contains("\"total_size\" : 4000").contains("\"embed\" : \"model-00001-of-00004.safetensors\"");

        try (ShardedSafetensors s = ShardedSafetensors.open(dir)) {
            assertThat(s.names()).hasSize(6).contains("embed", "layers.4.weight");
            assertThat(s.metadata()).containsEntry("total_size", "4000");
            assertThat(s.shards()).hasSize(4);
            assertThat(s.shardOf("layers.1.weight").getFileName().toString())
                    .isEqualTo("model-00002-of-00004.safetensors");
            assertThat(s.readFloats("embed")).containsExactly(ramp(500, -1000));
            for (int i = 0; i < 5; i++) {
                assertThat(s.readFloats("layers." + i + ".weight")).containsExactly(ramp(100, i * 100));
            }
            assertThat(s.tensor("layers.3.weight").shape()).containsExactly(10, 10);
            assertThat(s.readRaw("embed").getFloat(4)).isEqualTo(-999f);
            assertThatThrownBy(() -> s.readFloats("nope")).hasMessageContaining("no tensor 'nope'");
        }
        try (SafetensorsFile shard = SafetensorsFile.open(dir.resolve("model-00003-of-00004.safetensors"))) {
            assertThat(shard.metadata()).containsEntry("format", "pt");
            assertThat(shard.names()).containsExactly("layers.2.weight", "layers.3.weight");
        }
    }

    @Test
    void whatFitsInOneShardIsOneModelFileAndReplacesAnEarlierShardedWrite() throws IOException {
        fiveSmallOneLarge().write(dir);
        new ShardedSafetensorsWriter(1L << 30).metadata("format", "pt")
                .add("w", Dtype.BF16, new long[] {2}, new float[] {1, 2}).write(dir);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(ShardedSafetensors.SINGLE_FILE);
        }
        try (ShardedSafetensors s = ShardedSafetensors.open(dir)) {
            assertThat(s.names()).containsExactly("w");
            assertThat(s.metadata()).containsEntry("format", "pt");
            assertThat(s.readFloats("w")).containsExactly(1, 2);
        }
    }

    @Test
    void aFolderWithoutWeightsIsRefused() {
        assertThatThrownBy(() -> ShardedSafetensors.open(dir)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(ShardedSafetensors.INDEX_FILE).hasMessageContaining(ShardedSafetensors.SINGLE_FILE);
    }

    private void index(String weightMap) throws IOException {
        Files.writeString(dir.resolve(ShardedSafetensors.INDEX_FILE),
                "{\"metadata\": {\"total_size\": 8}, \"weight_map\": {" + weightMap + "}}");
    }

    @Test
    void shardNamesThatLeaveTheFolderAreRefused() throws IOException {
        Path outside = dir.resolve("x.safetensors");
        new SafetensorsWriter().add("w", Dtype.F32, new long[] {1}, new float[1]).write(outside);
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.createDirectory(model.resolve("sub"));
        for (String bad : List.of("../x.safetensors", outside.toString(), "sub/../../x.safetensors", "..", "",
                "sub\\..\\..\\x.safetensors")) {
            Files.writeString(model.resolve(ShardedSafetensors.INDEX_FILE),
                    "{\"weight_map\": {\"w\": " + StrictJson.MAPPER.writeValueAsString(bad) + "}}");
            assertThatThrownBy(() -> ShardedSafetensors.open(model)).as(bad)
                    .isInstanceOf(InvalidSafetensorsException.class)
                    .hasMessageContaining(ShardedSafetensors.INDEX_FILE)
                    .hasMessageContaining("tensor 'w'")
                    .hasMessageContaining("not a plain file name in the model folder");
        }
    }

    @Test
    void aMissingShardIsRefusedAtOpen() throws IOException {
        index("\"w\": \"model-00001-of-00002.safetensors\"");
        assertThatThrownBy(() -> ShardedSafetensors.open(dir)).isInstanceOf(InvalidSafetensorsException.class)
                .hasMessageContaining(ShardedSafetensors.INDEX_FILE).hasMessageContaining("tensor 'w'")
                .hasMessageContaining("'model-00001-of-00002.safetensors' is missing");
    }

    @Test
    void aTensorMissingFromItsShardIsRefusedWhenTheShardIsOpened() throws IOException {
        new SafetensorsWriter().add("a", Dtype.F32, new long[] {1}, new float[] {7})
                .write(dir.resolve("model-00001-of-00001.safetensors"));
        index("\"a\": \"model-00001-of-00001.safetensors\", \"b\": \"model-00001-of-00001.safetensors\"");
        try (ShardedSafetensors s = ShardedSafetensors.open(dir)) {
            assertThatThrownBy(() -> s.readFloats("a")).isInstanceOf(InvalidSafetensorsException.class)
                    .hasMessageContaining(ShardedSafetensors.INDEX_FILE).hasMessageContaining("tensor 'b'")
                    .hasMessageContaining("puts it in 'model-00001-of-00001.safetensors', which has no such tensor");
        }
    }

    @Test
    void aBrokenIndexIsRefused() throws IOException {
        index("\"w\": 3");
        assertThatThrownBy(() -> ShardedSafetensors.open(dir)).hasMessageContaining("tensor 'w'")
                .hasMessageContaining("must be a file name string");
        index("\"w\": \"a.safetensors\", \"w\": \"a.safetensors\"");
        assertThatThrownBy(() -> ShardedSafetensors.open(dir)).isInstanceOf(InvalidSafetensorsException.class)
                .hasMessageContaining("index: is not valid JSON");
        index("");
        assertThatThrownBy(() -> ShardedSafetensors.open(dir)).hasMessageContaining("weight_map");
    }
}
