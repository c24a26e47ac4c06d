package dev.chameleon.workbench.curation.snapshot;

import java.nio.file.Path;

/** What an export wrote: the JSONL file, the folder of images beside it, and counts. */
public record ExportResult(Path file, Path imageDir, long examples, long images) {
}
