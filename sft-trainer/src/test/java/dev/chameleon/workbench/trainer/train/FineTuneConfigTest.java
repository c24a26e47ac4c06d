package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.config.ConfigException;
import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.model.LoraConfig;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fine-tuning keys of a run config: optional, checked when loaded, and every error naming its key. */
@Tag("unit")
class FineTuneConfigTest {

    @TempDir
    Path tmp;

    private static String tinyCpu() throws Exception {
        try (var in = FineTuneConfigTest.class.getClassLoader().getResourceAsStream("configs/recipes/tiny-cpu.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static TrainConfig parse(String yaml) {
        return ConfigLoader.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "run.yaml",
                TrainConfig.class);
    }

    private String withFineTuning(String extra) throws Exception {
        Path base = Files.createDirectories(tmp.resolve("base"));
        return tinyCpu() + "init_from: " + base + "\n" + extra;
    }

    @Test
    void theKeysAreOptionalAndDefaultToAPlainRun() throws Exception {
        TrainConfig c = parse(tinyCpu());
        assertThat(c.initFrom()).isNull();
        assertThat(c.lora()).isNull();
        assertThat(c.trainOnly()).isEqualTo(TrainConfig.TRAIN_ALL);
        assertThat(c.partial()).isFalse();
        // Written with nulls (as the web app writes run.yaml) it reads back the same.
        assertThat(parse(tinyCpu() + "init_from: null\nlora: null\n")).isEqualTo(c);
    }

    @Test
    void loraIsReadAndCounted() throws Exception {
        TrainConfig c = parse(withFineTuning("lora:\n  rank: 8\n  alpha: 16\n  dropout: 0.05\n"
                + "  targets: [q_proj, v_proj]\n"));
        assertThat(c.lora()).isEqualTo(new LoraConfig(8, 16, 0.05, java.util.List.of("q_proj", "v_proj")));
        assertThat(c.partial()).isTrue();
        ModelConfig tiny = ConfigLoader.preset("models", "tiny", ModelConfig.class);
        // q: r (d + H hd) = 8 * (128 + 128); v: r (d + KV hd) = 8 * (128 + 64); two layers.
        assertThat(c.lora().parameterCount(tiny)).isEqualTo(2L * (8 * 256 + 8 * 192));
        MemoryEstimate full = MemoryEstimate.fullFineTuning(tiny, 256, 4);
        MemoryEstimate lora = MemoryEstimate.forRun(c, tiny, 8);
        assertThat(lora.gradients()).isEqualTo(c.lora().parameterCount(tiny) * 4);
        assertThat(lora.optimizer()).isLessThan(full.optimizer() / 50);
    }

    @Test
    void badValuesNameTheirKey() throws Exception {
        assertThatThrownBy(() -> parse(withFineTuning("lora: {rank: 0, alpha: 16, dropout: 0.0, targets: [q_proj]}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("field /lora/rank").hasMessageContaining("rank (0) must be a positive integer")
                .extracting(e -> ((ConfigException) e).field()).isEqualTo("/lora/rank");
        assertThatThrownBy(() -> parse(withFineTuning("lora: {rank: 4, alpha: 16, dropout: 0.0, targets: [qkv]}\n")))
                .hasMessageContaining("field /lora/targets").hasMessageContaining("unknown module 'qkv'")
                .hasMessageContaining("q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj");
        assertThatThrownBy(() -> parse(withFineTuning("lora: {rank: 4, alpha: 16, dropout: 0.0}\n")))
                .hasMessageContaining("field /lora/targets: missing");
        assertThatThrownBy(() -> parse(withFineTuning("train_only: head\n")))
                .hasMessageContaining("field /train_only").hasMessageContaining("image_head_rows");
        assertThatThrownBy(() -> parse(tinyCpu() + "lora: {rank: 4, alpha: 16, dropout: 0.0, targets: [q_proj]}\n"))
                .hasMessageContaining("field /lora").hasMessageContaining("lora needs init_from");
        assertThatThrownBy(() -> parse(tinyCpu().replace("model: tiny\n", "")))
                .hasMessageContaining("field /model").hasMessageContaining("init_from");
    }

    @Test
    void aMissingInitFromFolderIsNamed() throws Exception {
        TrainConfig c = parse(tinyCpu() + "init_from: " + tmp.resolve("nowhere") + "\n");
        assertThatThrownBy(c::resolveModel)
                .hasMessageStartingWith("init_from " + tmp.resolve("nowhere") + " does not exist")
                .hasMessageContaining("Hugging Face");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        TrainConfig d = parse(tinyCpu() + "init_from: " + empty + "\n");
        assertThatThrownBy(d::resolveModel).hasMessageContaining("neither a Hugging Face folder");
    }
}
