package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.CategoryRules;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads one input (a JSON, JSONL or CSV/TSV file, optionally gzip-compressed; a WebDataset .tar shard; or a folder
 * of captioned images) and hands every good example and every problem to a listener, in input order.
 *
 * <p>Everything is streamed: the raw bytes are counted (progress, inflate ratio), gzip is detected from its magic
 * bytes and inflated behind a guard, and records are parsed one at a time. The layers for a file:
 * <pre>
 *  file -> CountingInputStream -> [GZIPInputStream -> InflateGuard] -> JsonlCursor | JsonDocCursor | CsvCursor | tar
 *                                                                          |
 *        RecordConverter (format + column mapping -> turns; images -> ImagePlacement -> ImageResolver -> ImageStore)
 *                                                                          |
 *                                            CategoryRules.problems -> listener.example | listener.problem
 * </pre>
 * The record format comes from the first record's keys (a CSV row's are its header names) unless --format names
 * one; a column mapping alone reads records as prompt/response (or messages). One record may give several
 * examples (self-instruct instances); each counts as a record.
 * A bad record is one problem and reading goes on. A file that cannot be read (unsupported format, over the size
 * limit, a decompression bomb, a corrupt gzip or tar stream) is one problem at line 0; a syntax error inside a
 * JSON array is one problem at its line and ends the file. Either way {@link #read} returns normally: only real
 * I/O failures (a missing input, a full disk under the image store) throw.
 *
 * <p>A reader keeps no state between calls: one instance may read many inputs, from several threads at once.
 */
public final class SourceReader {

    /** What a refusal of a record without an answer says, so the preview can suggest a prompt set. */
    static final String PROMPT_SET_HINT = "--kind prompts";

    /** How many unreadable records {@link #detect} skips looking for one it can read. */
    private static final int DETECT_TRIES = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(SourceReader.class);

    private final ImageStore images;
    private final CategoryRules rules;
    private final ImportOptions options;
    private final ObjectMapper mapper;

    public SourceReader(ImageStore images, CategoryRules rules, ImportOptions options) {
        this.images = images;
        this.rules = rules;
        this.options = options;
        this.mapper = mapper(options.maxRecordChars());
    }

    /**
     * Streams one input and reports every good example and every problem to the listener, in order.
     * Never throws for bad records or bad files; whole-file refusals are problems with line 0.
     *
     * @throws IOException when the input cannot be read (missing, unreadable) or the image store cannot be written
     */
    public ReadSummary read(Path input, ImportListener listener) throws IOException {
        String name = input.getFileName() == null ? input.toString() : input.getFileName().toString();
        try {
            if (Files.isDirectory(input)) {
                return readFolder(input, name, listener);
            }
            return readFile(input, name, listener);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Reads only as far as the first {@code limit} examples (or problems, a few more) and returns them with the
     * format and mapping used. Images of those records go into the image store as an import would put them.
     */
    public ImportPreview preview(Path input, int limit) throws IOException {
        List<Example> examples = new java.util.ArrayList<>();
        List<ImportProblem> problems = new java.util.ArrayList<>();
        ReadSummary s = read(input, new ImportListener() {
            @Override
            public void example(Example e) {
                if (examples.size() < limit) {
                    examples.add(e);
                }
            }

            @Override
            public void problem(ImportProblem p) {
                if (problems.size() < limit) {
                    problems.add(p);
                }
            }

            @Override
            public boolean cancelled() {
                return examples.size() >= limit || problems.size() >= limit;
            }
        });
        boolean answered = examples.stream().anyMatch(e -> e.messages().stream().anyMatch(m -> m.role().isModelTurn()));
        boolean promptSet = s.format() == Format.PROMPT_SET
                || problems.stream().anyMatch(p -> p.reason().contains(PROMPT_SET_HINT));
        DatasetKind kind = (!examples.isEmpty() && !answered) || (examples.isEmpty() && promptSet)
                ? DatasetKind.PROMPTS : options.kind();
        Format shown = s.format() == null || !s.format().isRecordFormat() ? null : s.format();
        return new ImportPreview(s.format(), ColumnMap.effective(shown, options.columns()), examples, problems, kind);
    }

    /**
     * The format an input is in: from the folder or archive shape, else from the keys of its first readable
     * record (unreadable lines before it are skipped, up to a thousand).
     *
     * @return the format, or null when the input matches none of them
     */
    public static Format detect(Path input) throws IOException {
        ImportOptions defaults = ImportOptions.defaults();
        if (Files.isDirectory(input)) {
            return CaptionFolderReader.looksLikeOne(input) ? Format.CAPTION_FOLDER : null;
        }
        ObjectMapper mapper = mapper(defaults.maxRecordChars());
        try (InputStream file = Files.newInputStream(input)) {
            CountingInputStream raw = new CountingInputStream(file);
            BufferedInputStream in = open(raw, defaults);
            Sniff.Shape shape = Sniff.shape(in, String.valueOf(input.getFileName()));
            if (shape == Sniff.Shape.TAR) {
                return Format.WEBDATASET;
            }
            if (shape != Sniff.Shape.JSONL && shape != Sniff.Shape.JSON_DOC && shape != Sniff.Shape.CSV) {
                return null;
            }
            JsonCursor cursor = cursor(shape, in, mapper, defaults.maxRecordChars());
            for (int tries = 0; tries < DETECT_TRIES && cursor.next(); tries++) {
                if (cursor.node() != null) {
                    return Sniff.fromKeys(cursor.node());
                }
                if (cursor.fatal()) {
                    return null;
                }
            }
            return null;
        } catch (InputRefusedException e) {
            return null;
        }
    }

    private ReadSummary readFolder(Path dir, String name, ImportListener listener) throws IOException {
        Tally tally = new Tally(listener, name, () -> 0, -1);
        Format f = options.format();
        if (f != null && f != Format.CAPTION_FOLDER) {
            tally.fileProblem(name + " is a folder, which is read as caption-folder, not " + f.wireName()
                    + "; pass a data file, or drop --format");
            return tally.finish(null);
        }
        ImageResolver resolver = new ImageResolver(images, dir, options.imageDirs(), options.fetchImages());
        CaptionFolderReader reader = new CaptionFolderReader(dir, options, mapper,
                new RecordConverter(resolver, rules, options), resolver, tally, name);
        if (!reader.read()) {
            tally.fileProblem("the folder holds no captions.tsv, captions.csv or captions.jsonl and no image with a "
                    + "same-name .txt caption; " + Sniff.supported());
            return tally.finish(null);
        }
        return tally.finish(Format.CAPTION_FOLDER);
    }

    private ReadSummary readFile(Path input, String name, ImportListener listener) throws IOException {
        long size = Files.size(input);
        Tally tally = new Tally(listener, name, () -> 0, size);
        if (size > options.maxFileBytes()) {
            tally.fileProblem("the file is " + size + " bytes, over the limit of " + options.maxFileBytes()
                    + " bytes; split it into smaller files");
            return tally.finish(options.format());
        }
        Path folder = input.toAbsolutePath().getParent();
        ImageResolver resolver = new ImageResolver(images, folder, options.imageDirs(), options.fetchImages());
        RecordConverter converter = new RecordConverter(resolver, rules, options);
        Format format = options.format();
        try (InputStream file = Files.newInputStream(input)) {
            CountingInputStream raw = new CountingInputStream(file);
            tally.measure(raw::count, size);
            try {
                BufferedInputStream in = open(raw, options);
                Sniff.Shape shape = Sniff.shape(in, name);
                if (format == Format.CSV && shape == Sniff.Shape.UNKNOWN) {
                    shape = Sniff.Shape.CSV;
                }
                switch (shape) {
                    case EMPTY -> tally.fileProblem("the file holds no records");
                    case UNKNOWN -> tally.fileProblem("the file is not JSON, JSONL, CSV/TSV, a gzip of them, a .tar "
                            + "WebDataset shard or a folder of captioned images: it holds " + Sniff.describeStart(in)
                            + "; " + Sniff.supported() + ". Convert it to one of them, or pass --format csv for "
                            + "delimited text with a header row");
                    case TAR -> {
                        if (format != null && format != Format.WEBDATASET) {
                            tally.fileProblem("the file is a tar archive, which is read as webdataset, not "
                                    + format.wireName() + "; drop --format or pass --format webdataset");
                        } else {
                            format = Format.WEBDATASET;
                            new WebDatasetReader(mapper, converter, resolver, tally, name,
                                    images.limits().maxBytes(), options.maxRecordChars()).read(in);
                        }
                    }
                    case JSONL, JSON_DOC, CSV -> {
                        if (format == Format.WEBDATASET || format == Format.CAPTION_FOLDER) {
                            tally.fileProblem("--format " + format.wireName() + " reads "
                                    + (format == Format.WEBDATASET ? "a .tar shard" : "a folder")
                                    + ", but this file is " + (shape == Sniff.Shape.CSV ? "CSV" : "JSON")
                                    + "; pass a record format (" + recordFormats() + ") or none");
                        } else if (format == Format.CSV && shape != Sniff.Shape.CSV) {
                            tally.fileProblem("--format csv reads delimited text, but this file is JSON; drop --format "
                                    + "or pass a record format (" + recordFormats() + ")");
                        } else {
                            format = readRecords(cursor(shape, in, mapper, options.maxRecordChars()), name,
                                    converter, tally, shape == Sniff.Shape.CSV);
                        }
                    }
                }
            } catch (InputRefusedException e) {
                tally.fileProblem(e.getMessage());
            }
        }
        return tally.finish(format);
    }

    /**
     * Reads records, detecting the record format from the first one unless it was given (a mapping alone reads
     * records as prompt/response, or as messages when it maps messages); returns the format used.
     */
    private Format readRecords(JsonCursor cursor, String name, RecordConverter converter, Tally tally, boolean csv)
            throws IOException {
        Format format = options.format() != null && options.format().isRecordFormat() ? options.format() : null;
        boolean chosen = format != null;
        while (!tally.stop() && cursor.next()) {
            long line = cursor.line();
            if (cursor.problem() != null) {
                tally.problem(line, cursor.problem());
                if (cursor.fatal()) {
                    break;
                }
                continue;
            }
            JsonNode rec = cursor.node();
            if (format == null) {
                format = Sniff.fromKeys(rec);
                if (format == null && !options.columns().isEmpty()) {
                    format = options.columns().containsKey("messages") ? Format.OPENAI : Format.PROMPT_RESPONSE;
                }
                if (format == null) {
                    tally.fileProblem(Sniff.unknownKeys(rec, line, csv));
                    break;
                }
            }
            List<RecordConverter.Outcome> outcomes;
            try {
                outcomes = converter.convertAll(rec, format, new Source(name, line), chosen, cursor.annotations());
            } catch (UncheckedIOException ex) {
                throw ex;
            } catch (RuntimeException ex) {
                // A record shape no rule anticipated: refuse the record, keep reading; the trace goes to the log.
                LOG.warn("{}:{}: record not readable as {}", name, line, format.wireName(), ex);
                tally.problem(line, "the record cannot be read as " + format.wireName() + "; check its fields "
                        + "against that format, or pick another with --format");
                continue;
            }
            for (RecordConverter.Outcome o : outcomes) {
                if (o.example() != null) {
                    tally.example(o.example());
                } else {
                    tally.problem(line, o.problem());
                }
            }
        }
        return format;
    }

    /** Buffers the raw stream and, when it starts with the gzip magic bytes, inflates it behind the guard. */
    private static BufferedInputStream open(CountingInputStream raw, ImportOptions options) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        if (Sniff.gzip(in)) {
            in = new BufferedInputStream(InflateGuard.open(in, raw, options), 1 << 16);
        }
        return in;
    }

    private static JsonCursor cursor(Sniff.Shape shape, InputStream in, ObjectMapper mapper, int maxChars)
            throws IOException {
        return switch (shape) {
            case JSONL -> new JsonlCursor(in, mapper, maxChars);
            case CSV -> new CsvCursor(in, maxChars);
            default -> new JsonDocCursor(in, mapper, maxChars);
        };
    }

    /** One mapper per reader; strings may be as long as the record limit. */
    private static ObjectMapper mapper(int maxRecordChars) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Math.max(maxRecordChars, 1))
                        .build())
                .build();
        return new ObjectMapper(factory);
    }

    private static String recordFormats() {
        return java.util.Arrays.stream(Format.values()).filter(Format::isRecordFormat).map(Format::wireName)
                .reduce((a, b) -> a + ", " + b).orElse("");
    }
}
