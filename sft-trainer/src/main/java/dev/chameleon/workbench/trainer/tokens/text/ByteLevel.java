package dev.chameleon.workbench.trainer.tokens.text;

/**
 * Byte-level plumbing shared by the encoder, the trainer and tokenizer.json: the GPT-2 byte-to-character
 * map and a lossless byte form for any Java string.
 *
 * <p>Java strings may hold lone surrogates, which UTF-8 cannot express. Text is therefore turned into bytes
 * with WTF-8 (generalised UTF-8): valid text gives exactly its UTF-8 bytes, and a lone surrogate code unit
 * gives its 3-byte form {@code ED A0..BF xx}. Decoding accepts those forms back, so
 * {@code decode(encode(s)).equals(s)} for every string. Bytes that are not WTF-8 at all (only possible from
 * hand-made id sequences) decode to U+FFFD, one per bad byte.
 */
final class ByteLevel {

    /** Byte b is written in tokenizer.json as the character BYTE_TO_CHAR[b] (GPT-2's bytes_to_unicode). */
    static final char[] BYTE_TO_CHAR = new char[256];
    /** Inverse of BYTE_TO_CHAR; -1 for characters that stand for no byte. */
    private static final short[] CHAR_TO_BYTE = new short[324];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevel() {
    }

    /** The byte a tokenizer.json character stands for, or -1. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The tokenizer.json spelling of a byte string. */
    static String toTokenString(byte[] bytes, int from, int to) {
        char[] out = new char[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** The bytes a tokenizer.json token spells, or null when a character stands for no byte. */
    static byte[] fromTokenString(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < out.length; i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) {
                return null;
            }
            out[i] = (byte) b;
        }
        return out;
    }

    /** Upper bound of the WTF-8 length of {@code n} chars. */
    static int maxBytes(int n) {
        return 3 * n;
    }

    /**
     * Writes the WTF-8 bytes of {@code s[from, to)} into {@code out} (sized by {@link #maxBytes}) and returns
     * their count. A surrogate pair is read as one code point only when both halves lie inside the range.
     */
    static int encode(CharSequence s, int from, int to, byte[] out) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | (c >> 6));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[n++] = (byte) (0xF0 | (cp >> 18));
                out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                // Also the lone-surrogate case: the 3-byte form of the code unit itself.
                out[n++] = (byte) (0xE0 | (c >> 12));
                out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return n;
    }

    /**
     * Decodes WTF-8 {@code in[0, len)} into {@code out} (at least {@code len} long) and returns the char count.
     */
    static int decode(byte[] in, int len, char[] out) {
        int n = 0;
        int i = 0;
        while (i < len) {
            int b = in[i] & 0xFF;
            if (b < 0x80) {
                out[n++] = (char) b;
                i++;
            } else if (b >= 0xC2 && b < 0xE0 && i + 1 < len && cont(in[i + 1])) {
                out[n++] = (char) (((b & 0x1F) << 6) | (in[i + 1] & 0x3F));
                i += 2;
            } else if (b >= 0xE0 && b < 0xF0 && i + 2 < len && cont(in[i + 1]) && cont(in[i + 2])) {
                int cp = ((b & 0x0F) << 12) | ((in[i + 1] & 0x3F) << 6) | (in[i + 2] & 0x3F);
                if (cp < 0x800) {
                    out[n++] = '\uFFFD';
                    i++;
                } else {
                    out[n++] = (char) cp;
                    i += 3;
                }
            } else if (b >= 0xF0 && b < 0xF5 && i + 3 < len && cont(in[i + 1]) && cont(in[i + 2]) && cont(in[i + 3])) {
                int cp = ((b & 0x07) << 18) | ((in[i + 1] & 0x3F) << 12) | ((in[i + 2] & 0x3F) << 6) | (in[i + 3] & 0x3F);
                if (cp < 0x10000 || cp > 0x10FFFF) {
                    out[n++] = '\uFFFD';
                    i++;
                } else {
                    out[n++] = Character.highSurrogate(cp);
                    out[n++] = Character.lowSurrogate(cp);
                    i += 4;
                }
            } else {
                out[n++] = '\uFFFD';
                i++;
            }
        }
        return n;
    }

    private static boolean cont(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
