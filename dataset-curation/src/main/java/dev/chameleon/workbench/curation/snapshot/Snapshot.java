package dev.chameleon.workbench.curation.snapshot;

import dev.chameleon.workbench.curation.model.Category;

import java.nio.file.Path;
import java.util.Map;

/**
 * A frozen, self-contained copy of a dataset's accepted examples: {@code examples.jsonl}, {@code images/} and
 * {@code manifest.json}, in a folder that is never written again.
 *
 * @param contentHash SHA-256 of examples.jsonl, which names every image by its SHA-256 too
 */
public record Snapshot(String dataset, int version, Path dir, String contentHash, long examples, long images,
                       Map<Category, Long> byCategory) {
}
