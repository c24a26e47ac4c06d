package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.config.ConfigException;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain unit tests: run configs load through ConfigLoader and bad values name their field. */
@Tag("engine")
class TrainConfigTest {

    @TempDir
    Path dir;

    static Path recipe(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("configs/recipes/" + name);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new AssertionError("configs/recipes/" + name + " not found");
    }

    @Test
    void paperPresetHasThePaperValues() {
        TrainConfig c = TrainConfig.load(recipe("sft-paper.yaml"));
        assertThat(c.lr()).isEqualTo(1e-5);
        assertThat(c.weightDecay()).isEqualTo(0.1);
        assertThat(c.effectiveBatch()).isEqualTo(128);
        assertThat(c.seqLen()).isEqualTo(4096);
        assertThat(c.dropout()).isEqualTo(0.05);
        assertThat(c.zLossWeight()).isEqualTo(1e-5);
        assertThat(c.beta1()).isEqualTo(0.9);
        assertThat(c.beta2()).isEqualTo(0.95);
        assertThat(c.eps()).isEqualTo(1e-5);
        assertThat(c.clipNorm()).isEqualTo(1.0);
        assertThat(c.decayNormsAndEmbeddings()).isFalse();
        ModelConfig m = c.resolveModel();
        assertThat(m.dropout()).isEqualTo(0.05);
        assertThat(m.hidden()).isEqualTo(4096);
        assertThat(c.categoryWeights()).containsEntry(Category.VISUAL_CHAT, 1.0);
    }

    @Test
    void tinyPresetResolvesTheTinyModel() {
        TrainConfig c = TrainConfig.load(recipe("tiny-cpu.yaml"));
        assertThat(c.resolveModel().maxContext()).isGreaterThanOrEqualTo(c.seqLen());
    }

    @Test
    void badValuesNameTheFieldAndLine() throws IOException {
        String yaml = Files.readString(recipe("tiny-cpu.yaml"));
        assertThatThrownBy(() -> TrainConfig.load(write(yaml.replace("beta2: 0.95", "beta2: 1.5"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("beta2").hasMessageContaining("0.95");
        assertThatThrownBy(() -> TrainConfig.load(write(yaml.replace("  safety: 1.0", "  safty: 1.0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mix").hasMessageContaining("safty");
        assertThatThrownBy(() -> TrainConfig.load(write(yaml.replace("warmup_steps: 20", "warmup_stepz: 20"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("warmup_stepz");
        assertThatThrownBy(() -> TrainConfig.load(write(yaml.replace("seq_len: 256", "seq_len: 0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("seq_len");
    }

    private Path write(String yaml) throws IOException {
        Path f = Files.createTempFile(dir, "run", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
