package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Category;

import java.nio.file.Path;
import java.util.List;

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
 */
public record ImportOptions(Format format, Category category, List<Path> imageDirs, long maxFileBytes,
                            long maxInflatedBytes, int maxInflateRatio, int maxRecordChars) {

    public ImportOptions {
        imageDirs = List.copyOf(imageDirs);
    }

    public static ImportOptions defaults() {
        return new ImportOptions(null, null, List.of(), 8L << 30, 16L << 30, 200, 64 << 20);
    }

    public ImportOptions withFormat(Format f) {
        return new ImportOptions(f, category, imageDirs, maxFileBytes, maxInflatedBytes, maxInflateRatio, maxRecordChars);
    }

    public ImportOptions withCategory(Category c) {
        return new ImportOptions(format, c, imageDirs, maxFileBytes, maxInflatedBytes, maxInflateRatio, maxRecordChars);
    }

    public ImportOptions withImageDirs(List<Path> dirs) {
        return new ImportOptions(format, category, dirs, maxFileBytes, maxInflatedBytes, maxInflateRatio, maxRecordChars);
    }

    public ImportOptions withMaxFileBytes(long n) {
        return new ImportOptions(format, category, imageDirs, n, maxInflatedBytes, maxInflateRatio, maxRecordChars);
    }

    public ImportOptions withMaxInflatedBytes(long n) {
        return new ImportOptions(format, category, imageDirs, maxFileBytes, n, maxInflateRatio, maxRecordChars);
    }
}
