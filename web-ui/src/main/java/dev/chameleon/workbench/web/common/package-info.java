/**
 * What the web module's feature packages share that is not about generation: the views' routes and links between
 * them ({@link dev.chameleon.workbench.web.common.Links}), how a message is shown
 * ({@link dev.chameleon.workbench.web.common.MessageBox}), labels for wire names
 * ({@link dev.chameleon.workbench.web.common.Labels}) and the import-problems CSV
 * ({@link dev.chameleon.workbench.web.common.ProblemsCsv}).
 */
package dev.chameleon.workbench.web.common;
