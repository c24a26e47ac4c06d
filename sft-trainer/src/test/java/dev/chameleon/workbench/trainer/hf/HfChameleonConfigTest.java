package dev.chameleon.workbench.trainer.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class HfChameleonConfigTest {

    @TempDir
    Path tmp;

    private static Path fixture(String folder) {
        try {
            return Path.of(HfChameleonConfigTest.class.getResource(folder + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelConfig withDropout(ModelConfig c, double dropout) {
        return new ModelConfig(c.vocabSize(), c.hidden(), c.layers(), c.heads(), c.kvHeads(), c.ffnHidden(),
                c.maxContext(), c.ropeTheta(), c.rmsEps(), c.qkNorm(), c.normReordering(), dropout, c.zLossWeight(),
                c.tiedEmbeddings());
    }

    private Path write(String json) throws IOException {
        Files.writeString(tmp.resolve("config.json"), json, StandardCharsets.UTF_8);
        return tmp;
    }

    @Test
    void tinyConfigInTransformersShapeReadsEveryField() throws IOException {
        HfChameleonConfig c = HfChameleonConfig.read(fixture("tiny"));

        assertThat(c.vocabSize()).isEqualTo(32);
        assertThat(c.hiddenSize()).isEqualTo(64);
        assertThat(c.intermediateSize()).isEqualTo(172);
        assertThat(c.numHiddenLayers()).isEqualTo(2);
        assertThat(c.numAttentionHeads()).isEqualTo(4);
        assertThat(c.numKeyValueHeads()).isEqualTo(2);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(128);
        assertThat(c.ropeTheta()).isEqualTo(500_000.0);
        assertThat(c.ropeScaling()).isEmpty();
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.hiddenAct()).isEqualTo("silu");
        assertThat(c.bosTokenId()).isEqualTo(OptionalInt.of(0));
        assertThat(c.eosTokenId()).isEqualTo(OptionalInt.of(2));
        assertThat(c.padTokenId()).isEqualTo(OptionalInt.of(1));
        assertThat(c.imageTokenId()).isEqualTo(OptionalInt.of(12));
        assertThat(c.vocabularyMap()).hasSize(16).containsEntry("hello", 15).containsEntry("IMGIMGEZ", 4);
        assertThat(c.vqConfig()).isEqualTo(new HfChameleonConfig.VqConfig(4, 8, false, 4, 16, 3, 8, List.of(1, 2), 1,
                List.of(4), "vanilla", 0.0));
        assertThat(c.imageTokenRange()).hasValue(new HfChameleonConfig.ImageTokenRange(4, 11, 8));
        assertThat(c.imageTokenRange().get().contiguous()).isTrue();
        assertThat(c.unsupported()).isEmpty();
        assertThat(c.toModelConfig()).isEqualTo(new ModelConfig(32, 64, 2, 4, 2, 172, 128, 500_000.0, 1e-6, true,
                false, 0.0, 1e-5, false));
    }

    /**
     * A config.json in the 7B release's shape: the model sizes of our chameleon-7b preset and the token ids of
     * docs/chameleon.md (image code c is IMGIMG + its digits as letters A-J + Z at id c + 4; end-image 8196,
     * begin-image 8197, end-of-turn 8710, the {@code <image>} placeholder 8711), with an excerpt of the
     * vocabulary map (nine image codes from 0 to 8191), not the released file itself.
     */
    @Test
    void aConfigShapedLikeThe7bReleaseMapsOntoOurChameleon7bPreset() throws IOException {
        HfChameleonConfig c = HfChameleonConfig.read(fixture("chameleon-7b"));
        ModelConfig m = c.toModelConfig();

        assertThat(m.vocabSize()).isEqualTo(65536);
        assertThat(m.hidden()).isEqualTo(4096);
        assertThat(m.ffnHidden()).isEqualTo(11008);
        assertThat(m.layers()).isEqualTo(32);
        assertThat(m.heads()).isEqualTo(32);
        assertThat(m.kvHeads()).isEqualTo(32);
        assertThat(m.maxContext()).isEqualTo(4096);
        assertThat(m.ropeTheta()).isEqualTo(10_000.0);
        assertThat(m.rmsEps()).isEqualTo(1e-5);
        assertThat(m.normReordering()).isFalse();
        assertThat(m.qkNorm()).isTrue();
        assertThat(m.tiedEmbeddings()).isFalse();
        // the preset carries the SFT recipe's dropout; the checkpoint's attention_dropout is 0
        ModelConfig preset = ConfigLoader.preset("models", "chameleon-7b", ModelConfig.class);
        assertThat(m).isEqualTo(withDropout(preset, 0.0));
        assertThat(c.imageTokenId()).isEqualTo(OptionalInt.of(8711));
        assertThat(c.imageTokenRange()).hasValue(new HfChameleonConfig.ImageTokenRange(4, 8195, 9));
        assertThat(c.imageTokenRange().get().contiguous()).isFalse();
        assertThat(c.unsupported()).isEmpty();
    }

    @Test
    void swinNormConfigMapsOntoNormReorderingLikeOur34bPreset() throws IOException {
        ModelConfig m = HfChameleonConfig.read(fixture("chameleon-30b")).toModelConfig();

        assertThat(m.normReordering()).isTrue();
        assertThat(m).isEqualTo(withDropout(ConfigLoader.preset("models", "chameleon-34b", ModelConfig.class), 0.0));
    }

    @Test
    void missingFieldsTakeTransformersDefaults() throws IOException {
        HfChameleonConfig c = HfChameleonConfig.read(fixture("defaults"));

        assertThat(c.toModelConfig()).isEqualTo(new ModelConfig(65536, 4096, 32, 32, 32, 11008, 4096, 10_000.0,
                1e-5, true, false, 0.0, 1e-5, false));
        assertThat(c.hiddenAct()).isEqualTo("silu");
        assertThat(c.attentionBias()).isFalse();
        assertThat(c.mlpBias()).isFalse();
        assertThat(c.modelParallelSize()).isEqualTo(1);
        assertThat(c.bosTokenId()).isEqualTo(OptionalInt.of(1));
        assertThat(c.eosTokenId()).isEqualTo(OptionalInt.of(2));
        assertThat(c.padTokenId()).isEmpty();
        assertThat(c.imageTokenId()).isEmpty();
        assertThat(c.vocabularyMap()).isEmpty();
        assertThat(c.imageTokenRange()).isEmpty();
        assertThat(c.vqConfig()).isEqualTo(new HfChameleonConfig.VqConfig(256, 8192, false, 256, 512, 3, 128,
                List.of(1, 1, 2, 2, 4), 2, List.of(), "vanilla", 0.0));
        assertThat(c.unsupported()).isEmpty();
    }

    @Test
    void imageTokenIdFallsBackToTheImageEntryOfTheVocabularyMap() throws IOException {
        HfChameleonConfig c = HfChameleonConfig.read(write("{\"vocab_size\": 100, \"vocabulary_map\": {\"<image>\": 42}}"));

        assertThat(c.imageTokenId()).isEqualTo(OptionalInt.of(42));
    }

    @Test
    void newerRopeParametersFormIsRead() throws IOException {
        HfChameleonConfig c = HfChameleonConfig.read(write(
                "{\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 250000.0}}"));

        assertThat(c.ropeTheta()).isEqualTo(250_000.0);
        assertThat(c.ropeScaling()).isEmpty();
    }

    @Test
    void featuresOurModelLacksAreListedWithReasons() throws IOException {
        HfChameleonConfig c = HfChameleonConfig.read(write("{\"attention_bias\": true, \"mlp_bias\": true,"
                + " \"hidden_act\": \"gelu\", \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0},"
                + " \"model_parallel_size\": 4}"));

        assertThat(c.unsupported()).hasSize(5);
        assertThat(String.join("\n", c.unsupported())).contains("attention_bias", "mlp_bias", "\"gelu\"",
                "{\"type\":\"linear\",\"factor\":2.0}", "model_parallel_size is 4");
        assertThat(HfChameleonConfig.read(write("{\"rope_parameters\": {\"rope_type\": \"dynamic\","
                + " \"factor\": 2.0}}")).unsupported()).singleElement().asString().contains("dynamic");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"hidden_size\": \"4096\"}                 | field 'hidden_size' must be a whole number, found the string",
        "{\"hidden_size\": 4096.5}                   | field 'hidden_size' must be a whole number",
        "{\"hidden_size\": 0}                        | field 'hidden_size' is 0, must be between 1",
        "{\"vocab_size\": 99999999999999999999999}   | field 'vocab_size' is 99999999999999999999999",
        "{\"hidden_size\": 4000, \"num_attention_heads\": 32} | field 'num_attention_heads' (32) must divide",
        "{\"num_key_value_heads\": 5}                | field 'num_key_value_heads' (5) must divide",
        "{\"rms_norm_eps\": 0}                       | field 'rms_norm_eps' is 0, must be > 0.0",
        "{\"rope_theta\": 1e999}                     | field 'rope_theta' is Infinity",
        "{\"swin_norm\": \"true\"}                   | field 'swin_norm' must be true or false",
        "{\"hidden_act\": 3}                         | field 'hidden_act' must be a string",
        "{\"model_type\": \"llama\"}                 | field 'model_type' is \"llama\", not \"chameleon\"",
        "{\"model_parallel_size\": 0}                | field 'model_parallel_size' is 0",
        "{\"attention_dropout\": 1.0}                | field 'attention_dropout' is 1.0, must be >= 0.0 and < 1.0",
        "{\"eos_token_id\": 70000}                   | field 'eos_token_id' (70000) must be below vocab_size",
        "{\"vocabulary_map\": {\"a\": -1}}           | field 'vocabulary_map' maps \"a\" to the number -1",
        "{\"vocabulary_map\": [1]}                   | field 'vocabulary_map' must be a JSON object",
        "{\"vq_config\": {\"resolution\": -5}}       | field 'vq_config.resolution' is -5",
        "{\"vq_config\": {\"channel_multiplier\": [1, \"2\"]}} | field 'vq_config.channel_multiplier[1]' must be a whole",
        "{\"vq_config\": {\"channel_multiplier\": []}} | field 'vq_config.channel_multiplier' must not be empty",
        "{\"vq_config\": 7}                          | field 'vq_config' must be a JSON object",
        "[1, 2]                                      | must be a JSON object {...}, found a list",
        "{\"a\": 1} {\"b\": 2}                       | is not valid JSON",
        "{\"a\": 1, \"a\": 2}                        | is not valid JSON",
        "{\"rope_theta\": NaN}                       | is not valid JSON",
        "''                                          | must be a JSON object {...}, found nothing",
    })
    void invalidFieldsAreRefusedNamingFileFieldAndFix(String json, String message) throws IOException {
        Path dir = write(json);

        assertThatThrownBy(() -> HfChameleonConfig.read(dir))
                .isInstanceOf(InvalidHfConfigException.class)
                .hasMessageStartingWith(dir.resolve("config.json").toString())
                .hasMessageContaining(message);
    }

    @Test
    void oversizedNonUtf8AndMissingFilesAreRefused() throws IOException {
        byte[] big = new byte[(int) HfChameleonConfig.MAX_FILE_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        Files.write(tmp.resolve("config.json"), big);
        assertThatThrownBy(() -> HfChameleonConfig.read(tmp)).hasMessageContaining("larger than 16 MiB");

        Files.write(tmp.resolve("config.json"), new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'});
        assertThatThrownBy(() -> HfChameleonConfig.read(tmp)).hasMessageContaining("not valid UTF-8");

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> HfChameleonConfig.read(empty))
                .isInstanceOf(InvalidHfConfigException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void deeplyNestedJsonIsRefusedWithoutStackOverflow() throws IOException {
        Path dir = write("{\"x\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}");

        assertThatThrownBy(() -> HfChameleonConfig.read(dir))
                .isInstanceOf(InvalidHfConfigException.class)
                .hasMessageContaining("is not valid JSON");
    }
}
