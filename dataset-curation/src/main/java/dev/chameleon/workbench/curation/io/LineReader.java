package dev.chameleon.workbench.curation.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads UTF-8 lines as bytes, reusing one buffer, so JSON can be parsed straight from the bytes.
 *
 * <p>A line longer than the limit is flagged {@link #tooLong()} and the rest of it is skipped without being
 * buffered. Lines are counted from 1; a UTF-8 byte-order mark at the start of the input is dropped.
 */
final class LineReader {

    private static final int KEEP = 4 << 20;

    private final InputStream in;
    private final long maxChars;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private boolean eof;
    private byte[] line = new byte[1 << 12];
    private int len;
    private long chars;
    private boolean tooLong;
    private long lineNo;
    private boolean first = true;

    LineReader(InputStream in, long maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** Reads the next line; false at the end of the input. */
    boolean next() throws IOException {
        if (line.length > KEEP) {
            line = new byte[1 << 12];
        }
        len = 0;
        chars = -1;
        tooLong = false;
        boolean any = false;
        while (true) {
            if (pos >= lim) {
                if (eof || !fill()) {
                    if (!any) {
                        return false;
                    }
                    lineNo++;
                    return true;
                }
            }
            any = true;
            int end = pos;
            while (end < lim && buf[end] != '\n') {
                end++;
            }
            if (!tooLong) {
                append(pos, end - pos);
            }
            if (end < lim) {
                pos = end + 1;
                lineNo++;
                if (len > 0 && line[len - 1] == '\r') {
                    len--;
                }
                return true;
            }
            pos = lim;
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        pos = 0;
        lim = n;
        if (first) {
            first = false;
            if (n >= 3 && (buf[0] & 0xff) == 0xef && (buf[1] & 0xff) == 0xbb && (buf[2] & 0xff) == 0xbf) {
                pos = 3;
            }
        }
        return true;
    }

    /** Adds bytes to the line; counts characters only once the byte count could pass the limit. */
    private void append(int from, int n) {
        if (len + (long) n > maxChars) {
            if (chars < 0) {
                chars = countChars(line, 0, len);
            }
            chars += countChars(buf, from, n);
            if (chars > maxChars) {
                tooLong = true;
                len = 0;
                return;
            }
        }
        if (len + n > line.length) {
            long want = Math.max(len + (long) n, line.length * 2L);
            if (len + (long) n > Integer.MAX_VALUE - 16) {
                tooLong = true;
                len = 0;
                return;
            }
            byte[] bigger = new byte[(int) Math.min(want, Integer.MAX_VALUE - 16)];
            System.arraycopy(line, 0, bigger, 0, len);
            line = bigger;
        }
        System.arraycopy(buf, from, line, len, n);
        len += n;
    }

    private static long countChars(byte[] b, int from, int n) {
        long c = 0;
        for (int i = from, end = from + n; i < end; i++) {
            if ((b[i] & 0xc0) != 0x80) {
                c++;
            }
        }
        return c;
    }

    /** The current line's bytes, valid up to {@link #length()} until the next call. */
    byte[] bytes() {
        return line;
    }

    int length() {
        return len;
    }

    /** 1-based number of the current line. */
    long lineNo() {
        return lineNo;
    }

    /** True when the current line passed the character limit; its content was dropped. */
    boolean tooLong() {
        return tooLong;
    }

    /** True when the current line holds only spaces and tabs. */
    boolean isBlank() {
        for (int i = 0; i < len; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    String text() {
        return new String(line, 0, len, StandardCharsets.UTF_8);
    }
}
