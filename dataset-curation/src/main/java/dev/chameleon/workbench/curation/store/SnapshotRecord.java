package dev.chameleon.workbench.curation.store;

import java.time.Instant;

/** A frozen snapshot as the database records it. */
public record SnapshotRecord(String dataset, int version, String path, String contentHash, long examples,
                             Instant createdAt) {
}
