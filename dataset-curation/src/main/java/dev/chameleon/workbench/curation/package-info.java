/**
 * Curating SFT data in a workspace folder: datasets of examples in an H2 database, their images, a Lucene index,
 * imports, review, export and snapshots, behind one object.
 *
 * <p>Entry types: {@link dev.chameleon.workbench.curation.Curation} (a workspace, opened with
 * {@code Curation.open}) and {@link dev.chameleon.workbench.curation.FileImport} (one file's outcome in a
 * multi-file import). The sub-packages hold the parts it wires together.
 */
package dev.chameleon.workbench.curation;
