package dev.chameleon.workbench.trainer.hf.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.safetensors.ShardedSafetensors;
import dev.chameleon.workbench.trainer.hf.torch.TorchDtype;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.VqStateDict;
import dev.chameleon.workbench.trainer.tokens.image.VqStateDict.Weight;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A random VQ model of ours, written as a released tokenizer would be (Hugging Face folder, Lightning .ckpt +
 * YAML), loads back to the very same codes and pixels. This proves the loader's key mapping, shapes, dtypes and
 * file handling against our own model; parity with the real release needs its files, which are not in the
 * repository (see HfVqImport).
 */
@Tag("engine")
class HfVqImportTest {

    private static final VqConfig CONFIG = ReleaseFiles.tinyRelease();
    private static VqImageTokenizer ours;
    private static List<BufferedImage> images;
    private static int[][] codes;

    @TempDir
    Path tmp;

    @BeforeAll
    static void model() {
        ours = VqImageTokenizer.untrained(CONFIG, 7);
        Random random = new Random(11);
        images = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    img.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            images.add(img);
        }
        codes = ours.encodeFitted(images);
    }

    @AfterAll
    static void close() {
        ours.close();
    }

    @Test
    void theTinyModelUsesSeveralCodes() {
        // Guards the comparisons below: codes that were all alike would match whatever the loader did.
        assertThat(java.util.Arrays.stream(codes).flatMapToInt(java.util.Arrays::stream).distinct().count())
                .isGreaterThan(3);
    }

    @Test
    void hfFolderEncodesLikeOurModelAndRefusesToDecode() throws Exception {
        Map<String, Weight> encoderOnly = withoutDecoder(VqStateDict.export(ours));
        ReleaseFiles.writeHfConfig(tmp, CONFIG, Map.of());
        ReleaseFiles.writeHfWeights(tmp, encoderOnly, Dtype.F32, 0);

        try (VqImageTokenizer loaded = HfVqImport.fromHfCheckpoint(tmp)) {
            assertThat(loaded.config()).isEqualTo(CONFIG);
            assertThat(loaded.encodeFitted(images)).isDeepEqualTo(codes);
            assertThat(loaded.canDecode()).isFalse();
            assertThatThrownBy(() -> loaded.decode(codes[0]))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining(tmp.toString())
                    .hasMessageContaining("does not")
                    .hasMessageContaining("decoder")
                    .hasMessageContaining("tokenizer/vqgan.ckpt")
                    .hasMessageContaining("tokenizer/vqgan.yaml");
        }
    }

    @Test
    void shardedHfFolderInBf16LoadsTheRoundedWeights() throws Exception {
        Map<String, Weight> encoderOnly = withoutDecoder(VqStateDict.export(ours));
        ReleaseFiles.writeHfConfig(tmp, CONFIG, Map.of());
        ReleaseFiles.writeHfWeights(tmp, encoderOnly, Dtype.BF16, 20_000);
        assertThat(Files.exists(tmp.resolve(ShardedSafetensors.INDEX_FILE))).isTrue();

        try (VqImageTokenizer loaded = HfVqImport.fromHfCheckpoint(tmp);
             ShardedSafetensors files = ShardedSafetensors.open(tmp)) {
            assertThat(files.shards()).hasSizeGreaterThan(1);
            Map<String, Weight> back = VqStateDict.export(loaded);
            // The converter writes post_quant_conv too; an encoder-only model has no use for it.
            assertThat(back.keySet()).containsExactlyElementsOf(encoderOnly.keySet().stream()
                    .filter(k -> !k.startsWith("post_quant_conv.")).toList());
            for (Map.Entry<String, Weight> e : back.entrySet()) {
                float[] original = encoderOnly.get(e.getKey()).values();
                float[] inFile = files.readFloats(HfVqImport.HF_PREFIX + e.getKey());
                assertThat(e.getValue().values()).as(e.getKey()).containsExactly(inFile);
                for (int i = 0; i < original.length; i++) { // bf16 keeps 8 significant bits
                    assertThat(inFile[i]).isCloseTo(original[i],
                            org.assertj.core.data.Offset.offset(Math.abs(original[i]) / 128 + 1e-30f));
                }
            }
        }
    }

    @Test
    void lightningCheckpointEncodesAndDecodesLikeOurModel() throws Exception {
        Path ckpt = tmp.resolve("vqgan.ckpt");
        Path yaml = tmp.resolve("vqgan.yaml");
        ReleaseFiles.writeLightning(ckpt, VqStateDict.export(ours), TorchDtype.F32);
        Files.writeString(yaml, ReleaseFiles.yaml(CONFIG, ""));

        try (VqImageTokenizer loaded = HfVqImport.fromLightning(ckpt, yaml)) {
            assertThat(loaded.config()).isEqualTo(CONFIG);
            assertThat(loaded.canDecode()).isTrue();
            assertThat(loaded.encodeFitted(images)).isDeepEqualTo(codes);
            List<int[]> all = List.of(codes);
            List<BufferedImage> expected = ours.decodeBatch(all);
            List<BufferedImage> actual = loaded.decodeBatch(all);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(rgb(actual.get(i))).as("image " + i).containsExactly(rgb(expected.get(i)));
            }
            assertThat(distinct(rgb(expected.get(0)))).as("decoded pixels vary").isGreaterThan(10);
        }
    }

    @Test
    void lightningCheckpointInBf16LoadsTheTruncatedWeights() throws Exception {
        Path ckpt = tmp.resolve("vqgan.ckpt");
        Path yaml = tmp.resolve("vqgan.yaml");
        Map<String, Weight> weights = VqStateDict.export(ours);
        ReleaseFiles.writeLightning(ckpt, weights, TorchDtype.BF16);
        Files.writeString(yaml, ReleaseFiles.yaml(CONFIG, ""));

        try (VqImageTokenizer loaded = HfVqImport.fromLightning(ckpt, yaml)) {
            for (Map.Entry<String, Weight> e : VqStateDict.export(loaded).entrySet()) {
                float[] original = weights.get(e.getKey()).values();
                float[] truncated = new float[original.length];
                for (int i = 0; i < original.length; i++) {
                    truncated[i] = Float.intBitsToFloat(Float.floatToIntBits(original[i]) & 0xffff_0000);
                }
                assertThat(e.getValue().values()).as(e.getKey()).containsExactly(truncated);
            }
        }
    }

    @Test
    void tamingNamesReachTheBlocksTheyNameWithoutGoingThroughExport() throws Exception {
        // Zero weights except encoder.conv_out.bias = b, quant_conv = identity and a codebook whose row 5 is b:
        // every latent is then b and every code 5, whatever the other blocks do with their zeros.
        int z = CONFIG.zChannels();
        float[] b = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, -2f, 1f};
        VqStateDict.Source source = (key, shape) -> {
            long n = java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            float[] v = new float[(int) n];
            switch (key) {
                case "encoder.conv_out.bias" -> System.arraycopy(b, 0, v, 0, z);
                case "quant_conv.weight" -> {
                    for (int i = 0; i < z; i++) {
                        v[i * z + i] = 1f;                 // (D, z, 1, 1) identity
                    }
                }
                case "quantize.embedding.weight" -> {
                    for (int k = 0; k < CONFIG.codebookSize(); k++) {
                        for (int d = 0; d < z; d++) {
                            v[k * z + d] = b[d] + (k - 5) * 0.5f;  // row 5 is b, the others further away
                        }
                    }
                }
                default -> { }
            }
            return v;
        };
        try (VqImageTokenizer t = VqStateDict.load(CONFIG, source, "no decoder in this test")) {
            int[] expected = new int[CONFIG.codesPerImage()];
            java.util.Arrays.fill(expected, 5);
            assertThat(t.encodeFitted(images.subList(0, 1))[0]).containsExactly(expected);
        }
    }

    private static Map<String, Weight> withoutDecoder(Map<String, Weight> all) {
        Map<String, Weight> out = new java.util.LinkedHashMap<>(all);
        out.keySet().removeIf(k -> k.startsWith("decoder."));
        return out;
    }

    private static int[] rgb(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static long distinct(int[] pixels) {
        return java.util.Arrays.stream(pixels).distinct().count();
    }
}
