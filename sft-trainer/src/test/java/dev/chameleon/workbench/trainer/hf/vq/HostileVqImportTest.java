package dev.chameleon.workbench.trainer.hf.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.torch.TorchDtype;
import dev.chameleon.workbench.trainer.hf.torch.UnsafePickleException;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqStateDict;
import dev.chameleon.workbench.trainer.tokens.image.VqStateDict.Weight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Released tokenizer files that must be refused: every refusal names the file, the key and the fix, and comes
 * before any weight is read into native memory (so this class never loads the engine).
 */
@Tag("unit")
class HostileVqImportTest {

    private static final VqConfig CONFIG = ReleaseFiles.tinyRelease();

    @TempDir
    Path tmp;

    @Test
    void theKeyNamesAreTransformersAndTamingNames() {
        // Names from transformers' ChameleonVQVAE and taming's VQModel for the released layout.
        Map<String, long[]> shapes = VqStateDict.shapes(VqConfig.chameleon(), true);
        assertThat(shapes).containsKeys("encoder.conv_in.weight", "encoder.down.0.block.1.conv2.bias",
                "encoder.down.2.block.0.nin_shortcut.weight", "encoder.down.3.downsample.conv.weight",
                "encoder.mid.block_1.norm1.weight", "encoder.mid.attn_1.proj_out.weight", "encoder.mid.block_2.conv1.bias",
                "encoder.norm_out.bias", "encoder.conv_out.weight", "quant_conv.weight", "quantize.embedding.weight",
                "post_quant_conv.bias", "decoder.conv_in.weight", "decoder.mid.attn_1.q.weight",
                "decoder.up.4.block.2.conv1.weight", "decoder.up.1.upsample.conv.weight", "decoder.conv_out.weight");
        assertThat(shapes).doesNotContainKeys("encoder.down.4.downsample.conv.weight",
                "decoder.up.0.upsample.conv.weight");
        assertThat(shapes.get("quantize.embedding.weight")).containsExactly(8192, 256);
        assertThat(shapes.get("encoder.conv_out.weight")).containsExactly(256, 512, 3, 3);
        assertThat(shapes.get("quant_conv.weight")).containsExactly(256, 256, 1, 1);
        assertThat(shapes.get("decoder.conv_out.weight")).containsExactly(3, 128, 3, 3);
        assertThat(VqStateDict.shapes(VqConfig.chameleon(), false).keySet())
                .noneMatch(k -> k.startsWith("decoder.") || k.startsWith("post_quant_conv."));
    }

    // ---- Hugging Face layout

    @Test
    void hfFolderMissingAWeight() throws Exception {
        Map<String, Weight> w = encoderWeights();
        w.remove("encoder.mid.attn_1.k.weight");
        writeHf(w, Map.of());
        assertThatThrownBy(() -> HfVqImport.fromHfCheckpoint(tmp))
                .isInstanceOf(InvalidVqTokenizerException.class)
                .hasMessageContaining(tmp.resolve("model.safetensors").toString())
                .hasMessageContaining("'model.vqmodel.encoder.mid.attn_1.k.weight' is missing")
                .hasMessageContaining("check that the configuration belongs to these weights");
    }

    @Test
    void hfFolderWithAMisshapenWeight() throws Exception {
        Map<String, Weight> w = encoderWeights();
        w.put("quantize.embedding.weight", new Weight(new long[] {16, 4}, new float[64]));
        writeHf(w, Map.of());
        assertThatThrownBy(() -> HfVqImport.fromHfCheckpoint(tmp))
                .isInstanceOf(InvalidVqTokenizerException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("'model.vqmodel.quantize.embedding.weight' has shape [16, 4]")
                .hasMessageContaining("config.json describes needs [16, 8]");
    }

    @Test
    void hfFolderWithAWeightOurModelHasNoPlaceFor() throws Exception {
        Map<String, Weight> w = encoderWeights();
        w.put("encoder.down.0.attn.0.q.weight", new Weight(new long[] {32, 32, 1, 1}, new float[1024]));
        writeHf(w, Map.of());
        assertThatThrownBy(() -> HfVqImport.fromHfCheckpoint(tmp))
                .isInstanceOf(InvalidVqTokenizerException.class)
                .hasMessageContaining("'model.vqmodel.encoder.down.0.attn.0.q.weight' is a weight the network")
                .hasMessageContaining("has no place for");
    }

    @Test
    void hfFolderWithPartOfADecoder() throws Exception {
        Map<String, Weight> w = ReleaseFiles.randomWeights(VqStateDict.shapes(CONFIG, true), 3);
        w.remove("decoder.conv_out.bias");
        writeHf(w, Map.of());
        assertThatThrownBy(() -> HfVqImport.fromHfCheckpoint(tmp))
                .isInstanceOf(InvalidVqTokenizerException.class)
                .hasMessageContaining("'model.vqmodel.decoder.conv_out.bias' is missing");
    }

    @Test
    void hfFolderWithoutAnyTokenizer() throws Exception {
        ReleaseFiles.writeHfConfig(tmp, CONFIG, Map.of());
        new dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsWriter()
                .add("model.embed_tokens.weight", Dtype.F32, new long[] {2}, new float[2])
                .write(tmp.resolve("model.safetensors"));
        assertThatThrownBy(() -> HfVqImport.fromHfCheckpoint(tmp))
                .isInstanceOf(InvalidVqTokenizerException.class)
                .hasMessageContaining("'model.vqmodel.*' no weight has this prefix");
    }

    @Test
    void hfConfigsOurModelCannotFollow() throws Exception {
        writeHf(encoderWeights(), Map.of("double_latent", "true"));
        assertRefused(() -> HfVqImport.fromHfCheckpoint(tmp), "config.json", "'vq_config.double_latent' is true");
        writeHf(encoderWeights(), Map.of("in_channels", "1"));
        assertRefused(() -> HfVqImport.fromHfCheckpoint(tmp), "config.json", "'vq_config.in_channels' is 1");
        writeHf(encoderWeights(), Map.of("attn_type", "\"linear\""));
        assertRefused(() -> HfVqImport.fromHfCheckpoint(tmp), "config.json", "'vq_config.attn_type' is \"linear\"");
        writeHf(encoderWeights(), Map.of("attn_resolutions", "[8]"));
        assertRefused(() -> HfVqImport.fromHfCheckpoint(tmp), "config.json",
                "'vq_config.attn_resolutions' is [8]: it puts attention blocks at level 1");
        writeHf(encoderWeights(), Map.of("base_channels", "48"));
        assertRefused(() -> HfVqImport.fromHfCheckpoint(tmp), "config.json", "must be a multiple of 32");
    }

    // ---- Lightning .ckpt + vqgan.yaml

    @Test
    void yamlSettingsThatChangeTheNetworkAreRefused() throws Exception {
        assertYamlRefused("      padding_mode: reflect\n", "'model.params.ddconfig.padding_mode' is not a taming");
        assertYamlRefused("      tanh_out: true\n", "'model.params.ddconfig.tanh_out' is true");
        assertYamlRefused("      resamp_with_conv: false\n", "'model.params.ddconfig.resamp_with_conv' is false");
        assertYamlRefused("      attn_type: linear\n", "'model.params.ddconfig.attn_type' is \"linear\"");
        writeYaml(ReleaseFiles.yaml(CONFIG, "").replace("double_z: false", "double_z: true"));
        assertRefused(this::loadLightning, "vqgan.yaml", "'model.params.ddconfig.double_z' is true");
        writeYaml(ReleaseFiles.yaml(CONFIG, "").replace("      double_z: false\n", ""));
        assertRefused(this::loadLightning, "vqgan.yaml", "'model.params.ddconfig.double_z' is missing");
        writeYaml(ReleaseFiles.yaml(CONFIG, "").replace("attn_resolutions: []", "attn_resolutions: [16]"));
        assertRefused(this::loadLightning, "vqgan.yaml", "it puts attention blocks at level 0 (16 px)");
        writeYaml(ReleaseFiles.yaml(CONFIG, "").replace("ch_mult: [1, 2]", "ch_mult: [2, 2]"));
        assertRefused(this::loadLightning, "vqgan.yaml", "'model.params.ddconfig.ch_mult' is [2, 2]");
        writeYaml(ReleaseFiles.yaml(CONFIG, "").replace("    n_embed: 16\n", "    n_embed: 16\n    remap: used.npy\n"));
        assertRefused(this::loadLightning, "vqgan.yaml", "'model.params.remap' is set");
        writeYaml(ReleaseFiles.yaml(CONFIG, "").replace("    n_embed: 16\n", "    n_embed: 16\n    quantizer: gumbel\n"));
        assertRefused(this::loadLightning, "vqgan.yaml", "'model.params.quantizer' is not a VQModel setting");
    }

    @Test
    void yamlThatIsBrokenOrIncomplete() throws Exception {
        writeYaml(ReleaseFiles.yaml(CONFIG, "").replace("      ch: 32\n", ""));
        assertRefused(this::loadLightning, "vqgan.yaml", "'model.params.ddconfig.ch' is missing");
        writeYaml(ReleaseFiles.yaml(CONFIG, "").replace("ch: 32", "ch: thirty-two"));
        assertRefused(this::loadLightning, "vqgan.yaml",
                "'model.params.ddconfig.ch' must be a whole number of at least 1, found the string \"thirty-two\"");
        writeYaml("model:\n  params: [1, 2]\n");
        assertRefused(this::loadLightning, "vqgan.yaml", "'model.params' must be a mapping");
        writeYaml("model: {params: {embed_dim: 8, embed_dim: 9}}\n");
        assertRefused(this::loadLightning, "vqgan.yaml", "is not valid YAML at line 1");
        writeYaml("- just\n- a list\n");
        assertRefused(this::loadLightning, "vqgan.yaml", "must be a YAML mapping with model.params");
        Files.delete(tmp.resolve("vqgan.yaml"));
        assertRefused(this::loadLightning, "vqgan.yaml", "does not exist");
    }

    @Test
    void lightningCheckpointWithAMisshapenWeight() throws Exception {
        Map<String, Weight> w = ReleaseFiles.randomWeights(VqStateDict.shapes(CONFIG, true), 5);
        w.put("decoder.up.1.block.0.conv1.weight", new Weight(new long[] {64, 64, 1, 1}, new float[64 * 64]));
        ReleaseFiles.writeLightning(tmp.resolve("vqgan.ckpt"), w, TorchDtype.F32);
        writeYaml(ReleaseFiles.yaml(CONFIG, ""));
        assertRefused(this::loadLightning, "vqgan.ckpt",
                "'decoder.up.1.block.0.conv1.weight' has shape [64, 64, 1, 1], but the network vqgan.yaml describes"
                        + " needs [64, 64, 3, 3]");
    }

    @Test
    void lightningCheckpointForAnotherConfiguration() throws Exception {
        VqConfig wider = new VqConfig(16, 64, List.of(1, 2), 1, 16, 8, 8, 32, true, 0.25);
        ReleaseFiles.writeLightning(tmp.resolve("vqgan.ckpt"),
                ReleaseFiles.randomWeights(VqStateDict.shapes(wider, true), 5), TorchDtype.F32);
        writeYaml(ReleaseFiles.yaml(CONFIG, ""));
        assertRefused(this::loadLightning, "vqgan.ckpt", "'encoder.conv_in.weight' has shape [64, 3, 3, 3]");
    }

    @Test
    void lightningCheckpointWithoutItsDecoder() throws Exception {
        ReleaseFiles.writeLightning(tmp.resolve("vqgan.ckpt"), encoderWeights(), TorchDtype.F32);
        writeYaml(ReleaseFiles.yaml(CONFIG, ""));
        assertRefused(this::loadLightning, "vqgan.ckpt", "'decoder.*' is missing");
    }

    @Test
    void lightningCheckpointThatWouldRunCode() throws Exception {
        Path evil = Path.of(getClass().getResource("/dev/chameleon/workbench/trainer/hf/torch/evil_checkpoint.ckpt")
                .toURI());
        writeYaml(ReleaseFiles.yaml(CONFIG, ""));
        assertThatThrownBy(() -> HfVqImport.fromLightning(evil, tmp.resolve("vqgan.yaml")))
                .isInstanceOf(UnsafePickleException.class)
                .hasMessageContaining("evil_checkpoint.ckpt")
                .hasMessageContaining("posix.system");
    }

    // ---- helpers

    private Map<String, Weight> encoderWeights() {
        Map<String, Weight> w = new LinkedHashMap<>(ReleaseFiles.randomWeights(VqStateDict.shapes(CONFIG, false), 1));
        w.put("post_quant_conv.weight", new Weight(new long[] {8, 8, 1, 1}, new float[64]));
        w.put("post_quant_conv.bias", new Weight(new long[] {8}, new float[8]));
        return w;
    }

    private void writeHf(Map<String, Weight> weights, Map<String, String> vqOverrides) throws Exception {
        ReleaseFiles.writeHfConfig(tmp, CONFIG, vqOverrides);
        Files.deleteIfExists(tmp.resolve("model.safetensors"));
        ReleaseFiles.writeHfWeights(tmp, weights, Dtype.F32, 0);
    }

    private void writeYaml(String text) throws Exception {
        Files.writeString(tmp.resolve("vqgan.yaml"), text);
    }

    private void loadLightning() throws Exception {
        HfVqImport.fromLightning(tmp.resolve("vqgan.ckpt"), tmp.resolve("vqgan.yaml"));
    }

    private void assertYamlRefused(String extraDdconfig, String message) throws Exception {
        if (!Files.exists(tmp.resolve("vqgan.ckpt"))) {
            ReleaseFiles.writeLightning(tmp.resolve("vqgan.ckpt"),
                    ReleaseFiles.randomWeights(VqStateDict.shapes(CONFIG, true), 2), TorchDtype.F32);
        }
        writeYaml(ReleaseFiles.yaml(CONFIG, extraDdconfig));
        assertRefused(this::loadLightning, "vqgan.yaml", message);
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String file,
                                      String message) {
        assertThatThrownBy(call)
                .isInstanceOf(InvalidVqTokenizerException.class)
                .satisfies(e -> assertThat(((InvalidVqTokenizerException) e).file().getFileName().toString())
                        .isEqualTo(file))
                .hasMessageContaining(message);
    }
}
