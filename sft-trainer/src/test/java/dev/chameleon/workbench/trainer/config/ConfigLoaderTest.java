package dev.chameleon.workbench.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class ConfigLoaderTest {

    private static final String TINY = """
            # test
            vocab_size: 1024
            hidden: 128
            layers: 2
            heads: 4
            kv_heads: 2
            ffn_hidden: 344
            max_context: 256
            rope_theta: 10000
            rms_eps: 1.0e-5
            qk_norm: true
            norm_reordering: false
            dropout: 0.0
            z_loss_weight: 1.0e-5
            tied_embeddings: false
            """;

    record Inner(String name, int size) {
    }

    record Outer(String title, List<Inner> items) {
    }

    private static InputStream yaml(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void loadsAFileAndTheSameClasspathPreset(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.yaml");
        Files.writeString(file, TINY);
        ModelConfig fromFile = ConfigLoader.load(file, ModelConfig.class);
        assertThat(fromFile).isEqualTo(ConfigLoader.load("configs/models/tiny.yaml", ModelConfig.class));
        assertThat(fromFile).isEqualTo(ConfigLoader.load("/configs/models/tiny.yaml", ModelConfig.class));
        assertThat(fromFile.kvHeads()).isEqualTo(2);
    }

    @Test
    void unknownFieldNamesFileLineFieldAndKnownFields() {
        String typo = TINY.replace("kv_heads: 2", "kv_head: 2");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml(typo), "typo.yaml", ModelConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("typo.yaml:6")
                .hasMessageContaining("field /kv_head")
                .hasMessageContaining("unknown field 'kv_head'")
                .hasMessageContaining("known fields are")
                .hasMessageContaining("kv_heads")
                .hasMessageContaining("ffn_hidden");
    }

    @Test
    void missingFieldIsNamedWithTheFix() {
        String missing = TINY.replace("rope_theta: 10000\n", "");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml(missing), "m.yaml", ModelConfig.class))
                .hasMessageContaining("m.yaml")
                .hasMessageContaining("/rope_theta")
                .hasMessageContaining("add 'rope_theta: ...'");
    }

    @Test
    void recordValidationComesBackWithTheFileName() {
        String bad = TINY.replace("kv_heads: 2", "kv_heads: 3");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml(bad), "bad.yaml", ModelConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("bad.yaml:6, field /kv_heads: ")
                .hasMessageContaining("kv_heads (3)")
                .hasMessageContaining("set kv_heads to a divisor of heads");
    }

    @Test
    void wrongTypeNamesThePointer() {
        String bad = TINY.replace("hidden: 128", "hidden: wide");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml(bad), "t.yaml", ModelConfig.class))
                .hasMessageContaining("t.yaml:3")
                .hasMessageContaining("field /hidden")
                .hasMessageContaining("'wide' is not a valid int; write a value of type int");
    }

    @Test
    void nullAndFractionalValuesAreRejected() {
        String nul = TINY.replace("dropout: 0.0", "dropout:");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml(nul), "n.yaml", ModelConfig.class))
                .hasMessageContaining("n.yaml").hasMessageContaining("/dropout");
        String frac = TINY.replace("layers: 2", "layers: 2.5");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml(frac), "f.yaml", ModelConfig.class))
                .hasMessageContaining("f.yaml:4").hasMessageContaining("/layers");
    }

    @Test
    void nestedPointerIncludesListIndex() {
        String doc = "title: x\nitems:\n  - name: a\n    size: 1\n  - name: b\n    sise: 2\n";
        assertThatThrownBy(() -> ConfigLoader.parse(yaml(doc), "n.yaml", Outer.class))
                .hasMessageContaining("field /items/1/sise")
                .hasMessageContaining("known fields are name, size");
    }

    @Test
    void syntaxErrorsAndMissingFilesAreReported(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml("a: [1, 2\nb: 3\n"), "s.yaml", Outer.class))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s.yaml");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml(""), "e.yaml", ModelConfig.class))
                .hasMessageContaining("e.yaml").hasMessageContaining("empty");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml"), ModelConfig.class))
                .hasMessageContaining("nope.yaml: no such file");
        assertThatThrownBy(() -> ConfigLoader.load("configs/models/nope.yaml", ModelConfig.class))
                .hasMessageContaining("classpath:configs/models/nope.yaml: not found");
    }
}
