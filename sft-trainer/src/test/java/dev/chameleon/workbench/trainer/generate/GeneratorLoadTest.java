package dev.chameleon.workbench.trainer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqTrainer;
import dev.chameleon.workbench.trainer.tokens.text.BpeTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.BpeTrainer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine-bound (PyTorch CPU), fake tokenizers: loading checkpoints in the trainer's layout, and what goes wrong. */
@Tag("engine")
class GeneratorLoadTest {

    private static final int N = 4;

    @TempDir
    Path tmp;

    private static GenerationRequest greedy(Mode mode) {
        return new GenerationRequest("hi", List.of(), mode, Sampling.greedy(), Guidance.defaults(), 20);
    }

    /** A web app loads on its own threads, where libtorch's grad mode is on: reading weights must not record. */
    @Test
    void loadsOnAThreadWhereGradModeIsOn() throws Exception {
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(128), 21, true);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            List<Integer> tokens = pool.submit(() -> {
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                try (Generator g = Generator.load(run, GenFixtures.fakeLoader(N))) {
                    return g.generate(greedy(Mode.TEXT), null, null).tokens();
                }
            }).get();
            assertThat(tokens).isNotEmpty();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void loadsTheNewestCheckpointOfARunWithTheTrainedWeights() throws Exception {
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(128), 21, true);
        List<Integer> fromRun;
        try (Generator g = Generator.load(run, GenFixtures.fakeLoader(N))) {
            assertThat(g.imageTokens()).isEqualTo(N);
            fromRun = g.generate(greedy(Mode.INTERLEAVED), null, null).tokens();
        }
        Path step = run.resolve("checkpoints/step-00000003");
        try (Generator g = Generator.load(step, GenFixtures.fakeLoader(N))) {
            assertThat(g.generate(greedy(Mode.INTERLEAVED), null, null).tokens()).isEqualTo(fromRun);
        }
        // The same seed initialises the same weights: the loaded model is the saved one, not a fresh one.
        try (Generator same = Generator.untrained(GenFixtures.model(128), 21, GenFixtures.text(), GenFixtures.image(N));
             Generator other = Generator.untrained(GenFixtures.model(128), 22, GenFixtures.text(), GenFixtures.image(N))) {
            assertThat(same.generate(greedy(Mode.INTERLEAVED), null, null).tokens()).isEqualTo(fromRun);
            assertThat(other.generate(greedy(Mode.INTERLEAVED), null, null).tokens()).isNotEqualTo(fromRun);
        }
    }

    @Test
    void loadsTheRealBpeAndVqTokenizersAndGeneratesWithThem() throws Exception {
        // Synthetic text (random words generated here) and an untrained tiny VQ: real file formats, no real data.
        BpeTrainer trainer = new BpeTrainer(VocabularyLayout.standard(420, VqConfig.tiny().codebookSize(), 8));
        Random rnd = new Random(1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            for (int k = 0; k < 2 + rnd.nextInt(6); k++) {
                text.append((char) ('a' + rnd.nextInt(12)));
            }
            text.append(i % 12 == 11 ? ".\n" : " ");
        }
        trainer.addText(text);
        BpeTokenizer bpe = trainer.train();
        Path src = Files.createDirectories(tmp.resolve("src/vq"));
        bpe.save(tmp.resolve("src/tokenizer.json"));
        try (VqTrainer vq = VqTrainer.create(VqConfig.tiny(), VqTrainer.Options.defaults())) {
            vq.save(src.resolve("image-tokenizer.ckpt"), Map.of());
        }
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(256).withVocabSize(bpe.layout().size()),
                2, true, tmp.resolve("src/tokenizer.json"), src);
        try (Generator g = Generator.load(run)) {
            assertThat(g.imageTokens()).isEqualTo(VqConfig.tiny().codesPerImage());
            GenerationResult image = g.generate(new GenerationRequest("abc", List.of(), Mode.IMAGE, Sampling.defaults(),
                    Guidance.defaults(), 80), null, null);
            assertThat(image.images()).hasSize(1);
            assertThat(image.images().get(0).getWidth()).isEqualTo(VqConfig.tiny().resolution());
            BufferedImage picture = image.images().get(0);
            GenerationResult text2 = g.generate(new GenerationRequest("what is it", List.of(picture), Mode.TEXT,
                    Sampling.defaults(), Guidance.defaults(), 10), null, null);
            assertThat(text2.promptTokens()).isGreaterThan(g.imageTokens() + 2);
        }
    }

    @Test
    void findsTheTokenizersAtTheConfiguredPathsWhenTheRunHasNoCopies() throws Exception {
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(128), 1, false);
        try (Generator g = Generator.load(run, GenFixtures.fakeLoader(N))) {
            assertThat(g.generate(greedy(Mode.TEXT), null, null).tokens()).isNotEmpty();
        }
    }

    @Test
    void aMissingCheckpointSaysWhereAndHowToMakeOne() {
        assertThatThrownBy(() -> Generator.load(tmp.resolve("nope"))).isInstanceOf(GenerationException.class)
                .hasMessageContaining("nope").hasMessageContaining("does not exist").hasMessageContaining("train");
        assertThatThrownBy(() -> Generator.load(tmp)).isInstanceOf(GenerationException.class)
                .hasMessageContaining("no checkpoint in " + tmp);
    }

    @Test
    void anIncompleteCheckpointIsRefused() throws Exception {
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(128), 1, true);
        Path step = run.resolve("checkpoints/step-00000003");
        Files.delete(step.resolve("model.bin"));
        assertThatThrownBy(() -> Generator.load(step, GenFixtures.fakeLoader(N))).isInstanceOf(GenerationException.class)
                .hasMessageContaining("incomplete").hasMessageContaining("model.bin");
    }

    @Test
    void aChangedTokenizerIsRefusedByItsHash() throws Exception {
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(128), 1, true);
        Files.writeString(run.resolve("tokenizers/tokenizer.json"), "{\"another\": \"vocabulary\"}");
        assertThatThrownBy(() -> Generator.load(run, GenFixtures.fakeLoader(N))).isInstanceOf(GenerationException.class)
                .hasMessageContaining("text tokenizer").hasMessageContaining("is not the one")
                .hasMessageContaining("SHA-256");
    }

    @Test
    void aMissingTokenizerNamesThePlacesLookedAt() throws Exception {
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(128), 1, false);
        Files.delete(tmp.resolve("run-src/vq/image-tokenizer.ckpt"));
        assertThatThrownBy(() -> Generator.load(run, GenFixtures.fakeLoader(N))).isInstanceOf(GenerationException.class)
                .hasMessageContaining("image tokenizer").hasMessageContaining("missing")
                .hasMessageContaining(run.resolve("tokenizers").toString());
    }

    @Test
    void aTokenizerOfAnotherVocabularyIsIncompatible() throws Exception {
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(128).withVocabSize(500), 1, true);
        assertThatThrownBy(() -> Generator.load(run, GenFixtures.fakeLoader(N))).isInstanceOf(GenerationException.class)
                .hasMessageContaining("vocabulary of 500");
    }
}
