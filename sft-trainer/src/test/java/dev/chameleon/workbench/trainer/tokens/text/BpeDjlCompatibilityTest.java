package dev.chameleon.workbench.trainer.tokens.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tokenizer.json we write, read by the Rust library through DJL, must give our ids exactly. */
@Tag("unit")
class BpeDjlCompatibilityTest {

    @TempDir
    static Path dir;
    static BpeTokenizer ours;
    static HuggingFaceTokenizer djl;
    static Path json;

    @BeforeAll
    static void load() throws Exception {
        ours = BpeFixtures.small();
        json = dir.resolve("tokenizer.json");
        ours.save(json);
        djl = djl(json);
    }

    static HuggingFaceTokenizer djl(Path file) throws Exception {
        return HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
                .optTruncation(false).optPadding(false).build();
    }

    @AfterAll
    static void close() {
        djl.close();
    }

    static int[] djlIds(HuggingFaceTokenizer t, String text) {
        return Arrays.stream(t.encode(text, false, false).getIds()).mapToInt(Math::toIntExact).toArray();
    }

    /** Lines naming a special token are matched as that token by the Rust library (see BpeTokenizer). */
    static boolean namesSpecial(String s) {
        return s.contains("<s>") || s.contains("</s>") || s.contains("<pad>") || s.contains("<unk>")
                || s.contains("<eoss>") || s.contains("<racm3:break>") || s.contains("<reserved") || s.contains("IMGIMG");
    }

    @Test
    void identicalIdsOnAVariedCorpus() {
        List<String> texts = new ArrayList<>(BpeFixtures.variedCorpus());
        texts.add(String.join("\n", BpeFixtures.variedCorpus()));
        texts.add(BpeFixtures.trainingText(300, 99));
        int compared = 0;
        for (String text : texts) {
            if (namesSpecial(text)) {
                continue;
            }
            assertThat(ours.encode(text)).as("ids of %s", text).isEqualTo(djlIds(djl, text));
            compared++;
        }
        assertThat(compared).isGreaterThan(250);
    }

    @Test
    void djlDecodesOurIdsToTheText() {
        for (String text : BpeFixtures.variedCorpus()) {
            long[] ids = Arrays.stream(ours.encode(text)).asLongStream().toArray();
            assertThat(djl.decode(ids, true)).isEqualTo(text);
        }
    }

    @Test
    void specialsAndImageCodesSitAtTheLayoutIdsInTheFile() {
        VocabularyLayout layout = ours.layout();
        assertThat(djlIds(djl, "<s>")).containsExactly(layout.bos());
        assertThat(djlIds(djl, "</s>")).containsExactly(layout.eos());
        assertThat(djlIds(djl, "<pad>")).containsExactly(layout.pad());
        assertThat(djlIds(djl, "<racm3:break>")).containsExactly(layout.beginImage());
        assertThat(djlIds(djl, "<eoss>")).containsExactly(layout.endImage());
        assertThat(djlIds(djl, "<reserved08706>")).containsExactly(layout.endOfTurn());
        assertThat(djlIds(djl, TokenizerJson.imageName(0))).containsExactly(layout.imageToken(0));
        assertThat(djlIds(djl, TokenizerJson.imageName(BpeFixtures.CODEBOOK - 1)))
                .containsExactly(layout.imageToken(BpeFixtures.CODEBOOK - 1));
        // Ours treats the same characters as text: specials only ever come from the renderer.
        assertThat(java.util.Arrays.stream(ours.encode("<s>")).boxed()).allMatch(ours::isText);
    }

    @Test
    void ourLoaderReadsOurFileBack() throws Exception {
        BpeTokenizer back = BpeTokenizer.load(json);
        assertThat(back.layout()).isEqualTo(ours.layout());
        for (String text : BpeFixtures.variedCorpus()) {
            assertThat(back.encode(text)).isEqualTo(ours.encode(text));
        }
        Path again = dir.resolve("again.json");
        back.save(again);
        assertThat(java.nio.file.Files.mismatch(json, again)).isEqualTo(-1L);
    }
}
