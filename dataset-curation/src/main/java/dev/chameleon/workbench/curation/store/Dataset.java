package dev.chameleon.workbench.curation.store;

import java.time.Instant;

/** A named collection of examples in the workspace. */
public record Dataset(long id, String name, Instant createdAt) {
}
