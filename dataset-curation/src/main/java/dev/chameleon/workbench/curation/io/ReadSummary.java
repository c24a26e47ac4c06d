package dev.chameleon.workbench.curation.io;

/**
 * What one {@link SourceReader#read} call saw.
 *
 * @param format    the format the input was read as (detected or given), or null when it matched none
 * @param records   records met, good or bad (a whole-file refusal is not a record)
 * @param examples  good examples handed to the listener
 * @param problems  problems handed to the listener, whole-file refusals included
 * @param cancelled true when the listener asked to stop before the end of the input
 */
public record ReadSummary(Format format, long records, long examples, long problems, boolean cancelled) {
}
