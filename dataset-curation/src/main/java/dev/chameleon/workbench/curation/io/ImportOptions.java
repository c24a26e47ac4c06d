package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.ReviewStatus;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to read a source file.
 *
 * @param format        the format, or null to detect it from the first record (or the file's shape)
 * @param category      the category to give every example, or null to detect it per example
 * @param imageDirs     extra folders that relative image paths may resolve against (after the data file's folder)
 * @param maxFileBytes  largest input file accepted (compressed size)
 * @param maxInflatedBytes largest decompressed stream accepted from a gzip file
 * @param maxInflateRatio  largest decompressed/compressed ratio accepted once past 64 MiB (bomb guard)
 * @param maxRecordChars   largest single record accepted, in characters
 * @param columns       column mapping: our field name (prompt, response, system, history, messages, images, tools,
 *                      chosen, rejected, label, category, harm, tags, id, input, and the message tags role_tag,
 *                      content_tag, user_tag, assistant_tag, observation_tag, function_tag, system_tag) to the
 *                      source's field name or tag value; empty for none
 * @param kind          what the records are: SFT conversations (answers required) or a prompt set (answers optional)
 * @param status        the review status to give every imported example, or null to keep the record's own
 *                      (pending when it has none)
 * @param fetchImages   true to download http(s) images (with limits); false keeps their addresses, not available
 *                      offline
 */
public record ImportOptions(Format format, Category category, List<Path> imageDirs, long maxFileBytes,
                            long maxInflatedBytes, int maxInflateRatio, int maxRecordChars,
                            Map<String, String> columns, DatasetKind kind, ReviewStatus status,
                            boolean fetchImages) {

    public ImportOptions {
        imageDirs = List.copyOf(imageDirs);
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        kind = kind == null ? DatasetKind.SFT : kind;
    }

    public static ImportOptions defaults() {
        return new ImportOptions(null, null, List.of(), 8L << 30, 16L << 30, 200, 64 << 20, Map.of(),
                DatasetKind.SFT, null, false);
    }

    public ImportOptions withFormat(Format f) {
        return new ImportOptions(f, category, imageDirs, maxFileBytes, maxInflatedBytes, maxInflateRatio,
                maxRecordChars, columns, kind, status, fetchImages);
    }

    public ImportOptions withCategory(Category c) {
        return new ImportOptions(format, c, imageDirs, maxFileBytes, maxInflatedBytes, maxInflateRatio,
                maxRecordChars, columns, kind, status, fetchImages);
    }

    public ImportOptions withImageDirs(List<Path> dirs) {
        return new ImportOptions(format, category, dirs, maxFileBytes, maxInflatedBytes, maxInflateRatio,
                maxRecordChars, columns, kind, status, fetchImages);
    }

    public ImportOptions withMaxFileBytes(long n) {
        return new ImportOptions(format, category, imageDirs, n, maxInflatedBytes, maxInflateRatio, maxRecordChars,
                columns, kind, status, fetchImages);
    }

    public ImportOptions withMaxInflatedBytes(long n) {
        return new ImportOptions(format, category, imageDirs, maxFileBytes, n, maxInflateRatio, maxRecordChars,
                columns, kind, status, fetchImages);
    }

    public ImportOptions withColumns(Map<String, String> c) {
        return new ImportOptions(format, category, imageDirs, maxFileBytes, maxInflatedBytes, maxInflateRatio,
                maxRecordChars, c, kind, status, fetchImages);
    }

    public ImportOptions withKind(DatasetKind k) {
        return new ImportOptions(format, category, imageDirs, maxFileBytes, maxInflatedBytes, maxInflateRatio,
                maxRecordChars, columns, k, status, fetchImages);
    }

    public ImportOptions withStatus(ReviewStatus s) {
        return new ImportOptions(format, category, imageDirs, maxFileBytes, maxInflatedBytes, maxInflateRatio,
                maxRecordChars, columns, kind, s, fetchImages);
    }

    public ImportOptions withFetchImages(boolean f) {
        return new ImportOptions(format, category, imageDirs, maxFileBytes, maxInflatedBytes, maxInflateRatio,
                maxRecordChars, columns, kind, status, f);
    }
}
