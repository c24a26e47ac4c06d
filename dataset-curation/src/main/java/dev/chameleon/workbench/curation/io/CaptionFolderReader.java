package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.curation.model.Source;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a folder of images with captions; each image and its caption become an Image Generation example.
 *
 * <p>The captions come from the first of these that exists: {@code captions.tsv} (file TAB caption, an optional
 * header), {@code captions.csv} (a header naming a file column and a caption column), {@code captions.jsonl}
 * ({@code {"file"|"image": ..., "caption"|"text": ...}}), or else one same-name {@code .txt} file per image. Image
 * names are paths relative to the folder. The record index is the caption's 1-based position.
 */
final class CaptionFolderReader {

    static final List<String> CAPTION_FILES = List.of("captions.tsv", "captions.csv", "captions.jsonl");
    private static final List<String> FILE_COLUMNS = List.of("file", "image", "filename", "file_name", "path",
            "image_path", "image_file");
    private static final List<String> CAPTION_COLUMNS = List.of("caption", "text", "prompt");

    private final Path dir;
    private final ImportOptions options;
    private final ObjectMapper mapper;
    private final RecordConverter converter;
    private final ImageResolver images;
    private final Tally tally;
    private final String file;
    private long index;

    CaptionFolderReader(Path dir, ImportOptions options, ObjectMapper mapper, RecordConverter converter,
                        ImageResolver images, Tally tally, String file) {
        this.dir = dir;
        this.options = options;
        this.mapper = mapper;
        this.converter = converter;
        this.images = images;
        this.tally = tally;
        this.file = file;
    }

    /** True when the folder holds a captions file, or an image with a same-name .txt beside it. */
    static boolean looksLikeOne(Path dir) throws IOException {
        for (String name : CAPTION_FILES) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return true;
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (isImage(p) && Files.isRegularFile(txtFor(p))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Reads the folder; false when it holds no captions at all (the caller refuses it). */
    boolean read() throws IOException {
        for (String name : CAPTION_FILES) {
            Path captions = dir.resolve(name);
            if (Files.isRegularFile(captions)) {
                long size = Files.size(captions);
                if (size > options.maxFileBytes()) {
                    tally.fileProblem(name + " is " + size + " bytes, over the limit of " + options.maxFileBytes()
                            + " bytes; split the folder");
                    return true;
                }
                try (InputStream raw = Files.newInputStream(captions)) {
                    CountingInputStream counted = new CountingInputStream(raw);
                    tally.measure(counted::count, size);
                    InputStream in = new BufferedInputStream(counted, 1 << 16);
                    if (name.endsWith(".tsv")) {
                        tsv(in, name);
                    } else if (name.endsWith(".csv")) {
                        csv(in, name);
                    } else {
                        jsonl(in, name);
                    }
                }
                return true;
            }
        }
        return txtPairs();
    }

    private void tsv(InputStream in, String name) throws IOException {
        LineReader lines = new LineReader(in, options.maxRecordChars());
        boolean first = true;
        while (!tally.stop() && lines.next()) {
            long line = lines.lineNo();
            if (lines.tooLong()) {
                tally.problem(++index, name + " line " + line + " is longer than " + options.maxRecordChars()
                        + " characters");
                continue;
            }
            if (lines.isBlank()) {
                continue;
            }
            String s = lines.text();
            int tab = s.indexOf('\t');
            if (first) {
                first = false;
                if (tab > 0 && isHeader(s.substring(0, tab), s.substring(tab + 1))) {
                    continue;
                }
            }
            if (tab < 0) {
                tally.problem(++index, name + " line " + line + " has no tab; write one image per line as "
                        + "file<TAB>caption");
                continue;
            }
            pair(++index, s.substring(0, tab).strip(), s.substring(tab + 1).strip(), name + " line " + line);
        }
    }

    private void csv(InputStream in, String name) throws IOException {
        Csv csv = new Csv(new InputStreamReader(in, StandardCharsets.UTF_8), options.maxRecordChars());
        List<String> header = csv.next();
        if (header == null) {
            return;
        }
        if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
            header.set(0, header.get(0).substring(1));
        }
        int fileCol = column(header, FILE_COLUMNS);
        int captionCol = column(header, CAPTION_COLUMNS);
        if (fileCol < 0 || captionCol < 0) {
            tally.fileProblem(name + " must start with a header naming its columns, e.g. file,caption (got "
                    + header + ")");
            return;
        }
        List<String> row;
        while (!tally.stop() && (row = csv.next()) != null) {
            String where = name + " line " + csv.recordLine();
            if (csv.tooLong()) {
                tally.problem(++index, where + " is longer than " + options.maxRecordChars() + " characters");
                continue;
            }
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            if (row.size() <= Math.max(fileCol, captionCol)) {
                tally.problem(++index, where + " has " + row.size() + " field" + (row.size() == 1 ? "" : "s")
                        + "; the header has " + header.size() + " (quote captions that contain commas)");
                continue;
            }
            pair(++index, row.get(fileCol).strip(), row.get(captionCol).strip(), where);
        }
    }

    private void jsonl(InputStream in, String name) throws IOException {
        JsonlCursor cursor = new JsonlCursor(in, mapper, options.maxRecordChars());
        while (!tally.stop() && cursor.next()) {
            String where = name + " line " + cursor.line();
            if (cursor.problem() != null) {
                tally.problem(++index, name + ": " + cursor.problem());
                continue;
            }
            JsonNode n = cursor.node();
            JsonNode f = n.hasNonNull("file") ? n.get("file") : n.get("image");
            JsonNode c = n.hasNonNull("caption") ? n.get("caption") : n.get("text");
            if (f == null || f.isNull() || c == null || c.isNull()) {
                tally.problem(++index, where + " needs \"file\" (or \"image\") and \"caption\" (or \"text\")");
                continue;
            }
            pair(++index, f.asText().strip(), c.asText().strip(), where);
        }
    }

    /** One image per same-name .txt, in name order; progress counts the bytes of both. */
    private boolean txtPairs() throws IOException {
        List<Path> pictures;
        try (Stream<Path> s = Files.list(dir)) {
            pictures = s.filter(CaptionFolderReader::isImage).sorted().toList();
        }
        boolean anyCaption = false;
        long total = 0;
        for (Path p : pictures) {
            total += Files.size(p);
            Path t = txtFor(p);
            if (Files.isRegularFile(t)) {
                anyCaption = true;
                total += Files.size(t);
            }
        }
        if (!anyCaption) {
            return false;
        }
        long[] done = {0};
        tally.measure(() -> done[0], total);
        for (Path p : pictures) {
            if (tally.stop()) {
                break;
            }
            String image = p.getFileName().toString();
            Path t = txtFor(p);
            long at = ++index;
            if (!Files.isRegularFile(t)) {
                tally.problem(at, "image '" + image + "' has no caption; write it to " + t.getFileName());
            } else if (Files.size(t) > 4L * options.maxRecordChars()) {
                tally.problem(at, t.getFileName() + " is " + Files.size(t) + " bytes, too long for a caption");
            } else {
                done[0] += Files.size(t);
                String caption = Files.readString(t, StandardCharsets.UTF_8).strip();
                pair(at, image, caption, t.getFileName().toString());
            }
            done[0] += Files.size(p);
        }
        return true;
    }

    private void pair(long at, String image, String caption, String where) {
        try {
            if (image.isEmpty()) {
                throw new RecordException(where + " names no image file");
            }
            if (caption.isEmpty()) {
                throw new RecordException("image '" + image + "' has an empty caption (" + where + ")");
            }
            String key = images.resolve(image);
            tally.example(converter.captioned(caption, key, new Source(file, at)));
        } catch (RecordException e) {
            tally.problem(at, e.getMessage() + " (" + where + ")");
        }
    }

    private static boolean isHeader(String first, String second) {
        return FILE_COLUMNS.contains(first.strip().toLowerCase(Locale.ROOT))
                && CAPTION_COLUMNS.contains(second.strip().toLowerCase(Locale.ROOT));
    }

    private static int column(List<String> header, List<String> names) {
        for (int i = 0; i < header.size(); i++) {
            if (names.contains(header.get(i).strip().toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        return -1;
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && WebDatasetReader.IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT))
                && Files.isRegularFile(p);
    }

    private static Path txtFor(Path image) {
        String n = image.getFileName().toString();
        return image.resolveSibling(n.substring(0, n.lastIndexOf('.')) + ".txt");
    }

    /** RFC 4180 records: comma-separated fields; a quoted field may hold commas, doubled quotes and newlines. */
    static final class Csv {
        private final Reader in;
        private final int maxChars;
        private final char[] buf = new char[1 << 14];
        private int pos;
        private int lim;
        private long line = 1;
        private long recordLine;
        private boolean tooLong;
        private int pushback = -2;

        Csv(Reader in, int maxChars) {
            this.in = in;
            this.maxChars = maxChars;
        }

        /** The 1-based line where the last record started. */
        long recordLine() {
            return recordLine;
        }

        /** True when the last record passed the character limit (its fields were cut short). */
        boolean tooLong() {
            return tooLong;
        }

        /** The next record's fields, or null at the end. */
        List<String> next() throws IOException {
            int c = read();
            if (c < 0) {
                return null;
            }
            recordLine = line;
            tooLong = false;
            List<String> fields = new ArrayList<>();
            StringBuilder f = new StringBuilder();
            long chars = 0;
            boolean quoted = false;
            while (true) {
                if (c < 0) {
                    fields.add(f.toString());
                    return fields;
                }
                if (quoted) {
                    if (c == '"') {
                        int d = read();
                        if (d == '"') {
                            chars = add(f, '"', chars);
                        } else {
                            quoted = false;
                            c = d;
                            continue;
                        }
                    } else {
                        chars = add(f, (char) c, chars);
                    }
                } else if (c == '"' && f.length() == 0) {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(f.toString());
                    f.setLength(0);
                } else if (c == '\n') {
                    fields.add(f.toString());
                    return fields;
                } else if (c == '\r') {
                    int d = read();
                    if (d != '\n') {
                        unread(d);
                    }
                    fields.add(f.toString());
                    return fields;
                } else {
                    chars = add(f, (char) c, chars);
                }
                c = read();
            }
        }

        private long add(StringBuilder f, char ch, long chars) {
            if (chars >= maxChars) {
                tooLong = true;
            } else {
                f.append(ch);
            }
            return chars + 1;
        }

        private void unread(int c) {
            pushback = c;
        }

        private int read() throws IOException {
            if (pushback != -2) {
                int c = pushback;
                pushback = -2;
                return c;
            }
            if (pos >= lim) {
                lim = in.read(buf, 0, buf.length);
                pos = 0;
                if (lim <= 0) {
                    lim = 0;
                    return -1;
                }
            }
            char c = buf[pos++];
            if (c == '\n') {
                line++;
            }
            return c;
        }
    }
}
