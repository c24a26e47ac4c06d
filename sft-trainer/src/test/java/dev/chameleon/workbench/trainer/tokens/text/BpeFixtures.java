package dev.chameleon.workbench.trainer.tokens.text;

import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic text for the BPE tests (made up here, not real data), and a small tokenizer trained on it once. */
final class BpeFixtures {

    /** Codebook of the small test layout: big enough to see the block, small enough to keep files tiny. */
    static final int CODEBOOK = 64;
    static final VocabularyLayout LAYOUT = VocabularyLayout.standard(800, CODEBOOK, 4);

    private static BpeTokenizer small;

    private BpeFixtures() {
    }

    /** Lines covering the cases the pre-tokenizer must get right, each valid UTF-16. */
    static List<String> variedCorpus() {
        List<String> lines = new ArrayList<>(List.of(
                "The quick brown fox jumps over the lazy dog. It's John's dog; they're sure we'll see it, I'd say.",
                "DON'T SHOUT'S 'quoted' words' and rock'n'roll' 's 't 're 've 'm 'll 'd ' '",
                "public static int[] encode(String text) { return text.isEmpty() ? new int[0] : go(text); }",
                "for (int i = 0; i < n; i++) {\n\tsum += a[i] * b[i];\n}\n",
                "def f(x):\n    return x ** 2  # square\n\n\n",
                "Emoji: 😀😃 👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️ ✨ 🤖🦄",
                "CJK: 日本語のテキスト、中文文本。한국어 텍스트 ｆｕｌｌｗｉｄｔｈ　ideographic space",
                "Combining: e\u0301 a\u0308 n\u0303 \u0915\u094D\u0937 \u0627\u0644\u0639\u0631\u0628\u064A\u0629 Z\u0351\u0362",
                "Whitespace   runs\t\t\tand\u00A0nbsp\u2003em\u3000ideo\u001Cfs\u0085nel  \n  \n\n    end   ",
                "Digits 1234567890 3.14159 1e-9 0x7fff ٣٤٥ ²³ Ⅻ ½",
                "Mixed: naïve café résumé Ægir Œuvre straße İstanbul ǅ",
                "Symbols: ~!@#$%^&*()_+-=[]{}|;:'\",.<>/?`\\ ©®™ €£¥ →←↑↓ ∀∃∈ ≤≥",
                " leading space and trailing space ",
                "\n\nnewlines first",
                "tabs\tand\r\nCRLF\r\nlines",
                "a",
                " ",
                "",
                "'",
                "  ",
                "x  y   z    w"));
        Random rnd = new Random(7);
        String[] pool = {"a", "b", "Z", "9", "0", " ", "  ", "\t", "\n", "'", "'s", "'re", ".", ",", "!", "é", "e\u0301",
                "日", "本", "😀", "👍🏽", "\u00A0", "\u3000", "\u2028", "\u0085", "\u001C", "\u0000", "\u007F", "٣", "½",
                "Ⅻ", "ǅ", "ʰ", "ـ", "\u200D", "\uFE0F", "-", "_", "<", "s", ">", "IMG"};
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rnd.nextInt(30);
            for (int k = 0; k < n; k++) {
                sb.append(pool[rnd.nextInt(pool.length)]);
            }
            lines.add(sb.toString());
        }
        return lines;
    }

    /** Repetitive English-like text, so merges have something to learn. */
    static String trainingText(int sentences, long seed) {
        String[] words = {"the", "model", "token", "image", "text", "train", "training", "vocabulary", "merge",
                "byte", "pair", "encoding", "chameleon", "early", "fusion", "code", "it's", "they're", "we'll", "2024",
                "3.14", "日本語", "テキスト", "😀", "naïve", "café", "résumé", "for", "(int", "i", "=", "0;", "return",
                "{", "}", "while", "and", "of", "to", "in", "is", "that", "with", "as", "on", "by"};
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < sentences; s++) {
            int n = 3 + rnd.nextInt(12);
            for (int k = 0; k < n; k++) {
                String w = words[Math.min(words.length - 1, (int) Math.abs(rnd.nextGaussian() * 12))];
                sb.append(k == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
                sb.append(k + 1 < n ? (rnd.nextInt(10) == 0 ? ",  " : " ") : ".");
            }
            sb.append(rnd.nextInt(5) == 0 ? "\n\n" : rnd.nextInt(3) == 0 ? "\n" : " ");
        }
        return sb.toString();
    }

    /** A tokenizer on {@link #LAYOUT} trained on synthetic text plus the varied corpus, built once. */
    static synchronized BpeTokenizer small() {
        if (small == null) {
            BpeTrainer trainer = new BpeTrainer(LAYOUT);
            trainer.addText(trainingText(4000, 1));
            for (String line : variedCorpus()) {
                trainer.addText(line);
            }
            small = trainer.train();
        }
        return small;
    }

    /** Random strings from awkward characters, lone surrogates included (not valid UTF-16 on purpose). */
    static String randomAwkward(Random rnd, int maxLen) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(maxLen + 1);
        while (sb.length() < n) {
            switch (rnd.nextInt(10)) {
                case 0 -> sb.append((char) (0xD800 + rnd.nextInt(0x800))); // lone surrogate (either half)
                case 1 -> sb.appendCodePoint(0x1F300 + rnd.nextInt(0x300)); // emoji
                case 2 -> sb.append((char) (0x4E00 + rnd.nextInt(0x5000))); // CJK
                case 3 -> sb.append((char) (0x300 + rnd.nextInt(0x70))); // combining marks
                case 4 -> sb.append((char) rnd.nextInt(0x20)); // control characters
                case 5 -> sb.append(" \t\n\r\u00A0\u3000".charAt(rnd.nextInt(6)));
                case 6 -> sb.append((char) rnd.nextInt(0x10000)); // anything in the BMP
                case 7 -> sb.appendCodePoint(0x10000 + rnd.nextInt(0x100000)); // any supplementary
                default -> sb.append("the 's 're tok 123 é".charAt(rnd.nextInt(20)));
            }
        }
        return sb.toString();
    }
}
