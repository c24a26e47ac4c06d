package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.curation.model.Source;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Streams a WebDataset shard: a tar whose consecutive entries sharing a key form one sample.
 *
 * <pre>
 *  000001.jpg  000001.txt  000002.png  000002.json  ...
 *  \_____ sample 1 _____/  \______ sample 2 ______/
 * </pre>
 * The key is the entry path up to the first dot of its file name; the rest is the extension. Each sample needs
 * an image and a caption (.txt, or .json with "caption" or "text") and becomes an Image Generation example.
 * Only one sample is held in memory at a time; the record index is the sample's 1-based position.
 */
final class WebDatasetReader {

    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp", "gif", "bmp");

    private final ObjectMapper mapper;
    private final RecordConverter converter;
    private final ImageResolver images;
    private final Tally tally;
    private final String file;
    private final long maxImageBytes;
    private final int maxChars;

    WebDatasetReader(ObjectMapper mapper, RecordConverter converter, ImageResolver images, Tally tally, String file,
                     long maxImageBytes, int maxChars) {
        this.mapper = mapper;
        this.converter = converter;
        this.images = images;
        this.tally = tally;
        this.file = file;
        this.maxImageBytes = maxImageBytes;
        this.maxChars = maxChars;
    }

    /** One sample being gathered. */
    private static final class Sample {
        final String key;
        final long index;
        String imageName;
        byte[] image;
        String caption;
        byte[] json;
        String problem;

        Sample(String key, long index) {
            this.key = key;
            this.index = index;
        }
    }

    void read(InputStream in) throws IOException {
        TrailingZeros watch = new TrailingZeros(in);
        TarArchiveInputStream tar = new TarArchiveInputStream(watch);
        Sample s = null;
        long index = 0;
        String last = null;
        while (true) {
            TarArchiveEntry e = next(tar, index);
            if (e == null) {
                break;
            }
            if (!e.isFile()) {
                continue;
            }
            String name = e.getName();
            last = name;
            int slash = name.lastIndexOf('/');
            int dot = name.indexOf('.', slash + 1);
            if (dot <= slash + 1) {
                continue; // a hidden file or one without an extension is no part of a sample
            }
            String key = name.substring(0, dot);
            String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
            if (s == null || !s.key.equals(key)) {
                if (s != null) {
                    flush(s);
                }
                if (tally.stop()) {
                    return;
                }
                s = new Sample(key, ++index);
            }
            long size = e.getSize();
            if (IMAGE_EXTENSIONS.contains(ext)) {
                if (s.image == null && s.problem == null) {
                    if (size > maxImageBytes) {
                        s.problem = "image entry '" + name + "' is " + size + " bytes, over the limit of "
                                + maxImageBytes + " bytes; downscale or recompress it";
                    } else {
                        s.imageName = name;
                        s.image = entry(tar, size, index);
                    }
                }
            } else if (ext.equals("txt") || ext.equals("json")) {
                if (size > maxChars) {
                    s.problem = "caption entry '" + name + "' is " + size + " bytes, over the limit of " + maxChars
                            + " characters for one record";
                } else if (ext.equals("txt")) {
                    s.caption = new String(entry(tar, size, index), StandardCharsets.UTF_8).strip();
                } else {
                    s.json = entry(tar, size, index);
                }
            }
        }
        if (s != null) {
            if (watch.zeros() < END_RECORD && s.problem == null) {
                // No end-of-archive record: the shard was cut at an entry boundary, so this sample may lack entries.
                s.problem = "the tar archive is truncated: it ends after entry '" + last
                        + "' with no end-of-archive record, so this sample may be incomplete; re-create or "
                        + "re-download the shard";
            }
            flush(s);
        }
    }

    /** A tar ends with (at least) one 512-byte record of zeros; a shard cut between entries lacks it. */
    private static final int END_RECORD = 512;

    /** Passes bytes through and counts the zero bytes read since the last non-zero one. */
    private static final class TrailingZeros extends java.io.FilterInputStream {
        private long zeros;

        TrailingZeros(InputStream in) {
            super(in);
        }

        long zeros() {
            return zeros;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b == 0) {
                zeros++;
            } else if (b > 0) {
                zeros = 0;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            for (int i = off; i < off + n; i++) {
                zeros = b[i] == 0 ? zeros + 1 : 0;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes are entry data we did not need; count them as non-zero so only real trailers count.
            long skipped = super.skip(n);
            if (skipped > 0) {
                zeros = 0;
            }
            return skipped;
        }
    }

    private void flush(Sample s) {
        Source source = new Source(file, s.index);
        try {
            if (s.problem != null) {
                throw new RecordException("sample '" + s.key + "': " + s.problem);
            }
            String caption = s.caption != null ? s.caption : jsonCaption(s);
            if (s.image == null) {
                throw new RecordException("sample '" + s.key + "' has no image (a .jpg, .jpeg, .png, .webp, .gif or "
                        + ".bmp entry)");
            }
            if (caption == null || caption.isBlank()) {
                throw new RecordException("sample '" + s.key + "' has no caption; add " + s.key + ".txt, or "
                        + s.key + ".json with \"caption\" or \"text\"");
            }
            String key = images.store(s.image, s.imageName);
            tally.example(converter.captioned(caption, key, source));
        } catch (RecordException e) {
            tally.problem(s.index, e.getMessage());
        }
    }

    private String jsonCaption(Sample s) throws RecordException {
        if (s.json == null) {
            return null;
        }
        try {
            JsonNode n = mapper.readTree(s.json);
            JsonNode c = n == null ? null : n.hasNonNull("caption") ? n.get("caption") : n.get("text");
            return c == null || c.isNull() ? null : c.asText().strip();
        } catch (JsonProcessingException e) {
            throw new RecordException("sample '" + s.key + "': its .json entry is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RecordException("sample '" + s.key + "': its .json entry cannot be read: " + e.getMessage());
        }
    }

    private static TarArchiveEntry next(TarArchiveInputStream tar, long samples) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(e, samples);
        }
    }

    private static byte[] entry(TarArchiveInputStream tar, long size, long samples) throws IOException {
        try {
            byte[] b = tar.readNBytes((int) size);
            if (b.length < size) {
                throw new InputRefusedException("the tar archive ends inside sample " + samples
                        + "; the shard is truncated: re-create or re-download it");
            }
            return b;
        } catch (IOException e) {
            throw corrupt(e, samples);
        }
    }

    private static InputRefusedException corrupt(Exception e, long samples) {
        InputRefusedException r = InputRefusedException.find(e);
        if (r != null) {
            return r;
        }
        String m = String.valueOf(e.getMessage());
        if (e instanceof java.io.EOFException || m.toLowerCase(Locale.ROOT).contains("truncated")) {
            return new InputRefusedException("the tar archive is truncated: it ends inside sample " + samples
                    + "; re-create or re-download the shard", e);
        }
        return new InputRefusedException("the tar archive is corrupt after sample " + samples + " (" + m
                + "); re-create or re-download the shard", e);
    }
}
