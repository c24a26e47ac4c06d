package dev.chameleon.workbench.trainer.tokens.text;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("unit")
class BpeRoundTripTest {

    private final BpeTokenizer tok = BpeFixtures.small();

    @Test
    void variedCorpusRoundTripsExactly() {
        for (String line : BpeFixtures.variedCorpus()) {
            assertThat(tok.decode(tok.encode(line))).isEqualTo(line);
        }
        String all = String.join("\n", BpeFixtures.variedCorpus());
        assertThat(tok.decode(tok.encode(all))).isEqualTo(all);
    }

    @Test
    void randomAwkwardStringsIncludingLoneSurrogatesRoundTrip() {
        Random rnd = new Random(42);
        for (int i = 0; i < 3000; i++) {
            String s = BpeFixtures.randomAwkward(rnd, 40);
            assertThat(tok.decode(tok.encode(s))).as("string #%d", i).isEqualTo(s);
        }
    }

    @Test
    void loneSurrogatesAtEveryPositionRoundTrip() {
        for (String s : new String[] {"\uD800", "\uDC00", "a\uD83D", "\uDE00b", "\uDE00\uD83D", "x\uD83D\uD83D\uDE00",
                "\uD83D\uDE00\uDE00", "'s\uD800", " \uDFFF ", "\uD800\u0301", "\uDBFF\uDBFF\uDFFF\uDFFF"}) {
            assertThat(tok.decode(tok.encode(s))).isEqualTo(s);
        }
    }

    @Test
    void wtf8IsUtf8ForValidTextAndLosslessOtherwise() {
        Random rnd = new Random(3);
        byte[] bytes = new byte[400];
        char[] chars = new char[400];
        for (int i = 0; i < 2000; i++) {
            String s = BpeFixtures.randomAwkward(rnd, 100);
            int n = ByteLevel.encode(s, 0, s.length(), bytes);
            assertThat(new String(chars, 0, ByteLevel.decode(bytes, n, chars))).isEqualTo(s);
            if (s.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF)) {
                assertThat(java.util.Arrays.copyOf(bytes, n)).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void bytesThatAreNotTextDecodeToReplacementCharacters() {
        int textStart = tok.layout().textStart();
        assertThat(tok.decode(new int[] {textStart + 0xFF, textStart + 'a', textStart + 0xC3}))
                .isEqualTo("\uFFFDa\uFFFD");
    }

    @Test
    void preTokensPartitionTheText() {
        Random rnd = new Random(5);
        for (int i = 0; i < 1000; i++) {
            String s = BpeFixtures.randomAwkward(rnd, 50);
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (at < s.length()) {
                int end = PreTokenizer.next(s, at, s.length());
                assertThat(end).isGreaterThan(at);
                joined.append(s, at, end);
                at = end;
            }
            assertThat(joined.toString()).isEqualTo(s);
        }
    }
}
