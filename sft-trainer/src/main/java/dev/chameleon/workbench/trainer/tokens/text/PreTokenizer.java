package dev.chameleon.workbench.trainer.tokens.text;

/**
 * Splits text into pre-tokens exactly as Hugging Face's {@code ByteLevel} pre-tokenizer does with
 * {@code use_regex: true}, written by hand because a regex engine allocates and is several times slower.
 *
 * <p>The pattern it mirrors (GPT-2), with Oniguruma's character classes as the Rust library compiles them:
 * <pre>
 *   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * </pre>
 * {@code \s} is Oniguruma's Unicode whitespace: U+0009..U+000D, U+0085 and the Zs, Zl, Zp categories. It is
 * not Java's {@link Character#isWhitespace} (which drops no-break spaces and adds U+001C..U+001F).
 * A lone surrogate (impossible in Rust strings) counts as "other", like punctuation.
 */
final class PreTokenizer {

    static final byte LETTER = 1;
    static final byte NUMBER = 2;
    static final byte SPACE = 3;
    static final byte OTHER = 4;

    private static final byte[] BMP = new byte[65536];

    static {
        for (int c = 0; c < 65536; c++) {
            BMP[c] = classify(c);
        }
    }

    private PreTokenizer() {
    }

    private static byte classify(int cp) {
        if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x85) {
            return SPACE;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
                return LETTER;
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
                return NUMBER;
            case Character.SPACE_SEPARATOR:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return SPACE;
            default:
                return OTHER;
        }
    }

    /** True for a BMP char that Oniguruma's {@code \s} matches. */
    static boolean isSpace(char c) {
        return BMP[c] == SPACE;
    }

    /** Class of the code point starting at {@code i}; surrogate pairs split by {@code end} stay apart. */
    private static byte classAt(CharSequence s, int i, int end) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
            return classify(Character.toCodePoint(c, s.charAt(i + 1)));
        }
        return BMP[c];
    }

    /** Chars taken by the code point at {@code i}. */
    private static int width(CharSequence s, int i, int end) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))
                ? 2 : 1;
    }

    /** End of the run of {@code cls} code points starting at {@code i}. */
    private static int run(CharSequence s, int i, int end, byte cls) {
        while (i < end) {
            char c = s.charAt(i);
            if (c < 0xD800) {
                if (BMP[c] != cls) {
                    return i;
                }
                i++;
            } else {
                if (classAt(s, i, end) != cls) {
                    return i;
                }
                i += width(s, i, end);
            }
        }
        return i;
    }

    /** End (exclusive) of the pre-token that starts at {@code i < end}. */
    static int next(CharSequence s, int i, int end) {
        char c = s.charAt(i);
        if (c == '\'' && i + 1 < end) {
            char d = s.charAt(i + 1);
            if (d == 's' || d == 't' || d == 'm' || d == 'd') {
                return i + 2;
            }
            if (i + 2 < end) {
                char e = s.charAt(i + 2);
                if ((d == 'r' && e == 'e') || (d == 'v' && e == 'e') || (d == 'l' && e == 'l')) {
                    return i + 3;
                }
            }
        }
        int start = i;
        if (c == ' ' && i + 1 < end) {
            byte after = classAt(s, i + 1, end);
            if (after != SPACE) {
                return run(s, i + 1, end, after);
            }
        }
        byte cls = c < 0xD800 ? BMP[c] : classAt(s, i, end);
        if (cls != SPACE) {
            return run(s, i, end, cls);
        }
        int j = run(s, start, end, SPACE);
        if (j == end) {
            return end;
        }
        // \s+(?!\S): leave the last whitespace char to start the next pre-token; a single one stands alone.
        return j - start >= 2 ? j - 1 : j;
    }
}
