package dev.chameleon.workbench.trainer.tokens.text;

import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("unit")
class BpeLayoutTest {

    private final BpeTokenizer tok = BpeFixtures.small();
    private final VocabularyLayout layout = tok.layout();

    @Test
    void specialsImageBlockAndByteTokensSitWhereTheLayoutSays() {
        assertThat(layout).isEqualTo(VocabularyLayout.standard(800, BpeFixtures.CODEBOOK, 4));
        assertThat(tok.tokenName(layout.bos())).isEqualTo("<s>");
        assertThat(tok.tokenName(layout.pad())).isEqualTo("<pad>");
        assertThat(tok.tokenName(layout.eos())).isEqualTo("</s>");
        assertThat(tok.tokenName(layout.unk())).isEqualTo("<unk>");
        assertThat(tok.tokenName(layout.beginImage())).isEqualTo("<racm3:break>");
        assertThat(tok.tokenName(layout.endImage())).isEqualTo("<eoss>");
        assertThat(tok.tokenName(layout.endOfTurn())).isEqualTo("<reserved08706>");
        assertThat(tok.tokenName(layout.imageToken(7))).isEqualTo("IMG7");
        assertThat(tok.name(layout.imageToken(7))).isEqualTo("IMGIMGHZ");
        for (int id = 0; id < layout.textStart(); id++) {
            assertThat(tok.isText(id)).as("id %d", id).isFalse();
        }
        assertThat(tok.tokenName(layout.textStart() + ' ')).isEqualTo("Ġ");
        assertThat(tok.tokenName(layout.textStart() + 'a')).isEqualTo("a");
        assertThat(tok.mergeCount()).isEqualTo(layout.size() - layout.textStart() - 256);
    }

    @Test
    void textNeverEncodesToSpecialOrImageIds() {
        Random rnd = new Random(11);
        String named = "<s><pad></s><unk><racm3:break><eoss><reserved08706>IMGIMGAZ IMGIMGBZ";
        assertThat(java.util.Arrays.stream(tok.encode(named)).boxed()).allMatch(id -> id >= layout.textStart() && id < layout.size());
        for (int i = 0; i < 2000; i++) {
            assertThat(java.util.Arrays.stream(tok.encode(BpeFixtures.randomAwkward(rnd, 30))).boxed()).allMatch(tok::isText);
        }
    }

    @Test
    void decodeSkipsSpecialAndImageIds() {
        int[] text = tok.encode("a caption");
        int[] seq = new int[text.length + 6];
        seq[0] = layout.bos();
        seq[1] = layout.beginImage();
        seq[2] = layout.imageToken(3);
        seq[3] = layout.endImage();
        System.arraycopy(text, 0, seq, 4, text.length);
        seq[seq.length - 2] = layout.endOfTurn();
        seq[seq.length - 1] = layout.eos();
        assertThat(tok.decode(seq)).isEqualTo("a caption");
    }
}
