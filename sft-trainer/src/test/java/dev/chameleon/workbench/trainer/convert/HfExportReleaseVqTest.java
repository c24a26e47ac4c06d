package dev.chameleon.workbench.trainer.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.trainer.generate.GenFixtures;
import dev.chameleon.workbench.trainer.generate.GenerationException;
import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.Generator;
import dev.chameleon.workbench.trainer.generate.Guidance;
import dev.chameleon.workbench.trainer.generate.Mode;
import dev.chameleon.workbench.trainer.generate.Sampling;
import dev.chameleon.workbench.trainer.generate.TokenizerLoader;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsFile;
import dev.chameleon.workbench.trainer.hf.vq.HfVqImport;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.VqTrainer;
import dev.chameleon.workbench.trainer.tokens.text.BpeTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.BpeTrainer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run over the real BPE and a release-shaped VQ (32 GroupNorm groups, first multiplier 1; random, untrained), exported
 * to the Hugging Face layout: the image tokenizer's encoder goes in as vq_config + model.vqmodel.*, which alone
 * tokenizes images as ours does; without our own file the folder still opens, and drawing says why it cannot.
 */
@Tag("engine")
class HfExportReleaseVqTest {

    private static final VqConfig RELEASE_SHAPED = new VqConfig(16, 32, List.of(1, 2), 1, 16, 8, 8, 32, true, 0.25);

    @TempDir
    Path tmp;

    @Test
    void theEncoderTravelsInTheHfLayout() throws Exception {
        BpeTrainer trainer = new BpeTrainer(VocabularyLayout.standard(400, RELEASE_SHAPED.codebookSize(), 8));
        Random rnd = new Random(3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            for (int k = 0; k < 2 + rnd.nextInt(5); k++) {
                text.append((char) ('a' + rnd.nextInt(10)));
            }
            text.append(i % 10 == 9 ? ".\n" : " ");
        }
        trainer.addText(text);
        BpeTokenizer bpe = trainer.train();
        Path src = Files.createDirectories(tmp.resolve("src/vq"));
        bpe.save(tmp.resolve("src/tokenizer.json"));
        Path vqFile = src.resolve("image-tokenizer.ckpt");
        try (VqTrainer vq = VqTrainer.create(RELEASE_SHAPED, VqTrainer.Options.defaults())) {
            vq.save(vqFile, Map.of());
        }
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(256).withVocabSize(bpe.layout().size()),
                4, true, tmp.resolve("src/tokenizer.json"), src);
        Path out = tmp.resolve("hf");
        HfExport.export(run, out, Dtype.F32, HfCheckpoint.DEFAULT_SHARD_BYTES, TokenizerLoader.REAL);

        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertThat(config.get("vq_config").get("base_channels").asInt()).isEqualTo(32);
        assertThat(config.get("vq_config").get("channel_multiplier").toString()).isEqualTo("[1,2]");
        try (SafetensorsFile f = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertThat(f.names()).contains("model.vqmodel.quantize.embedding.weight", "model.vqmodel.quant_conv.weight",
                    "model.vqmodel.encoder.conv_in.weight");
            assertThat(f.names()).noneMatch(n -> n.startsWith("model.vqmodel.decoder."));
        }

        List<BufferedImage> images = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    img.setRGB(x, y, rnd.nextInt(1 << 24));
                }
            }
            images.add(img);
        }
        try (VqImageTokenizer original = VqImageTokenizer.load(vqFile);
             VqImageTokenizer fromHf = HfVqImport.fromHfCheckpoint(out)) {
            assertThat(fromHf.canDecode()).isFalse();
            assertThat(fromHf.encodeFitted(images)).isDeepEqualTo(original.encodeFitted(images));
        }

        GenerationRequest words = new GenerationRequest("abc", List.of(), Mode.TEXT, Sampling.greedy(),
                Guidance.defaults(), 12);
        List<Integer> expected;
        try (Generator g = Generator.load(run)) {
            expected = g.generate(words, null, null).tokens();
        }
        Files.delete(out.resolve("image-tokenizer.ckpt"));
        try (Generator g = Generator.load(out)) {
            assertThat(g.generate(words, null, null).tokens()).isEqualTo(expected);
            assertThatThrownBy(() -> g.generate(new GenerationRequest("abc", List.of(), Mode.IMAGE, Sampling.greedy(),
                    Guidance.defaults(), 80), null, null)).isInstanceOf(GenerationException.class)
                    .hasMessageContaining("cannot turn codes into pixels");
        }
    }
}
