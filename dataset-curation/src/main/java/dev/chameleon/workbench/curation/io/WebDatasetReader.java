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
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        Sample s = null;
        long index = 0;
        while (true) {
            TarArchiveEntry e = next(tar, index);
            if (e == null) {
                break;
            }
            if (!e.isFile()) {
                continue;
            }
            String name = e.getName();
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
            flush(s);
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
