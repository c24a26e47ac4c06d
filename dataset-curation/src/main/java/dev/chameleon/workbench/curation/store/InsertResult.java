package dev.chameleon.workbench.curation.store;

import dev.chameleon.workbench.curation.model.Example;

import java.util.List;

/** The examples a batch insert stored (with their new ids) and how many it skipped as duplicates. */
public record InsertResult(List<Example> inserted, int duplicates) {
}
