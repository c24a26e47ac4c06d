/**
 * The {@code workbench} command line: {@link dev.chameleon.workbench.web.cli.Workbench} is the jar's main class,
 * {@link dev.chameleon.workbench.web.cli.WorkbenchCommand} the root command whose sub-commands import, review,
 * search, snapshot, export, train and serve the web app. Commands call the same services the views call.
 */
package dev.chameleon.workbench.web.cli;
