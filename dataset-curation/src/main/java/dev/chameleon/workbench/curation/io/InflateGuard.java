package dev.chameleon.workbench.curation.io;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Sits on a gzip stream and stops it when it inflates too far: past the absolute limit, or past 64 MiB at a
 * ratio no real dataset reaches (a few hundred to one is a stream of zeros or one record repeated: a bomb).
 *
 * <p>Errors of the gzip stream itself (a truncated or corrupt file) become {@link InputRefusedException}s too,
 * so a bad archive is one problem for the file rather than an exception for the caller.
 */
final class InflateGuard extends FilterInputStream {

    static final long RATIO_CHECK_AFTER = 64L << 20;

    private final CountingInputStream raw;
    private final long maxInflated;
    private final int maxRatio;
    private long inflated;

    private InflateGuard(InputStream gzip, CountingInputStream raw, long maxInflated, int maxRatio) {
        super(gzip);
        this.raw = raw;
        this.maxInflated = maxInflated;
        this.maxRatio = maxRatio;
    }

    /** Opens a guarded gzip stream over {@code compressed}, whose raw bytes {@code raw} counts. */
    static InflateGuard open(InputStream compressed, CountingInputStream raw, ImportOptions options)
            throws InputRefusedException {
        try {
            return new InflateGuard(new GZIPInputStream(compressed, 1 << 16), raw, options.maxInflatedBytes(),
                    options.maxInflateRatio());
        } catch (IOException e) {
            throw corrupt(e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            throw corrupt(e);
        }
        if (n > 0) {
            inflated += n;
            check();
        }
        return n;
    }

    /** Skips by reading, so skipped bytes count towards the limits too. */
    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        long done = 0;
        while (done < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    private void check() throws InputRefusedException {
        if (inflated > maxInflated) {
            throw new InputRefusedException("the gzip stream inflates past the limit of " + maxInflated
                    + " bytes (" + mib(maxInflated) + "); split the data into smaller files");
        }
        if (inflated > RATIO_CHECK_AFTER) {
            long compressed = Math.max(1, raw.count());
            if (inflated / compressed > maxRatio) {
                throw new InputRefusedException("this looks like a decompression bomb: " + mib(inflated)
                        + " inflated from " + compressed + " compressed bytes (ratio " + inflated / compressed
                        + ":1, the limit is " + maxRatio + ":1); if the data is genuine, decompress it yourself "
                        + "and import the plain file");
            }
        }
    }

    private static InputRefusedException corrupt(IOException e) {
        if (e instanceof InputRefusedException r) {
            return r;
        }
        String what = e instanceof EOFException ? "is truncated: the file ends before the compressed data does"
                : "is corrupt: its compressed data cannot be inflated";
        return new InputRefusedException("the gzip stream " + what + "; re-create or re-download the file", e);
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
