package dev.chameleon.workbench.trainer.tokens.text;

import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class BpeTrainerTest {

    @TempDir
    Path dir;

    private static BpeTokenizer train(VocabularyLayout layout, String text) {
        BpeTrainer trainer = new BpeTrainer(layout);
        trainer.addText(text);
        return trainer.train();
    }

    @Test
    void trainingIsDeterministic() throws Exception {
        String text = BpeFixtures.trainingText(2000, 5);
        VocabularyLayout layout = VocabularyLayout.standard(900, 16, 2);
        train(layout, text).save(dir.resolve("a.json"));
        train(layout, text).save(dir.resolve("b.json"));
        assertThat(Files.mismatch(dir.resolve("a.json"), dir.resolve("b.json"))).isEqualTo(-1L);
    }

    @Test
    void moreMergesGiveFewerTokens() {
        String text = BpeFixtures.trainingText(2000, 5);
        String heldOut = BpeFixtures.trainingText(300, 6);
        int bytes = heldOut.getBytes(StandardCharsets.UTF_8).length;
        int small = train(VocabularyLayout.standard(16 + 7 + 256 + 50, 16, 0), text).encode(heldOut).length;
        int large = train(VocabularyLayout.standard(16 + 7 + 256 + 600, 16, 0), text).encode(heldOut).length;
        assertThat(small).isLessThan(bytes * 3 / 4);
        assertThat(large).isLessThan(small / 2);
    }

    @Test
    void filesPlainAndGzippedTrainLikeText() throws Exception {
        String text = BpeFixtures.trainingText(1500, 8);
        Path plain = Files.writeString(dir.resolve("c.txt"), text);
        Path gz = dir.resolve("c.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        VocabularyLayout layout = VocabularyLayout.standard(800, 16, 0);
        int[] expected = train(layout, text).encode(text);
        for (Path file : List.of(plain, gz)) {
            BpeTrainer trainer = new BpeTrainer(layout);
            trainer.addFile(file);
            assertThat(trainer.train().encode(text)).isEqualTo(expected);
        }
    }

    @Test
    void reportsProgressAndCanBeCancelled() {
        List<Long> done = new ArrayList<>();
        BpeTrainer trainer = new BpeTrainer(VocabularyLayout.standard(1300, 16, 0))
                .progress((phase, d, total) -> {
                    if (phase.equals("merge")) {
                        done.add(d);
                        assertThat(total).isEqualTo(1300 - 23 - 256);
                    }
                });
        trainer.addText(BpeFixtures.trainingText(3000, 9));
        trainer.train();
        assertThat(done).isNotEmpty().isSorted();

        BpeTrainer cancelled = new BpeTrainer(VocabularyLayout.standard(1300, 16, 0)).cancelWhen(() -> true);
        cancelled.addText(BpeFixtures.trainingText(3000, 9));
        assertThatThrownBy(cancelled::train).isInstanceOf(CancellationException.class);
    }

    @Test
    void aTinyCorpusLeavesNamedUnusedIds() {
        BpeTokenizer tok = train(VocabularyLayout.standard(400, 16, 0), "abab abab");
        assertThat(tok.tokenName(399)).isEqualTo("<unused00399>");
        assertThat(tok.isText(399)).isFalse();
        assertThat(tok.decode(tok.encode("abab abab"))).isEqualTo("abab abab");
    }

    @Test
    void unusedIdsSurviveTokenizerJson() throws Exception {
        BpeTokenizer tok = train(VocabularyLayout.standard(400, 16, 0), "abab abab");
        tok.save(dir.resolve("t.json"));
        BpeTokenizer back = BpeTokenizer.load(dir.resolve("t.json"));
        assertThat(back.layout()).isEqualTo(tok.layout());
        assertThat(back.encode("abab abab")).isEqualTo(tok.encode("abab abab"));
    }

    /** A sanity check on speed, printed rather than asserted (shared CI machines vary too much). */
    @Test
    void trainsACoupleOfMegabytesQuickly() {
        // Words built from random syllables, so that thousands of merges have something to learn.
        String[] syllables = {"ka", "to", "ri", "men", "sa", "lu", "pe", "dor", "qui", "ne", "ba", "zo", "ti", "ar",
                "el", "on", "us", "ix", "em", "gra", "str", "ph", "ou", "ei"};
        java.util.Random rnd = new java.util.Random(12);
        String[] lexicon = new String[20_000];
        for (int i = 0; i < lexicon.length; i++) {
            StringBuilder w = new StringBuilder();
            for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                w.append(syllables[rnd.nextInt(syllables.length)]);
            }
            lexicon[i] = w.toString();
        }
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 3_000_000) {
            sb.append(lexicon[(int) Math.min(lexicon.length - 1, Math.abs(rnd.nextGaussian()) * 3000)])
                    .append(rnd.nextInt(12) == 0 ? ".\n" : " ");
        }
        String text = sb.toString();
        long t0 = System.nanoTime();
        VocabularyLayout layout = VocabularyLayout.standard(8192, 64, 8);
        BpeTrainer trainer = new BpeTrainer(layout);
        trainer.addText(text);
        BpeTokenizer tok = trainer.train();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("BPE trainer sanity: %.1f MB of text, %d merges in %.2f s%n",
                text.length() / 1e6, tok.mergeCount(), s);
        assertThat(tok.mergeCount()).isEqualTo(layout.size() - layout.textStart() - 256);
    }
}
