/**
 * The Import view ({@link dev.chameleon.workbench.web.imports.ImportView}): upload data files, preview how their
 * records import, run the import in the background and report what was refused.
 */
package dev.chameleon.workbench.web.imports;
