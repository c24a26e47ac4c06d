/**
 * The command line of the sft-trainer jar: one picocli command per class, each only parsing its arguments, calling
 * the recipe or component that does the work and printing. Entry types: {@link
 * dev.chameleon.workbench.trainer.cli.SftTrainerMain} (the command line) and {@link
 * dev.chameleon.workbench.trainer.cli.ErrorMessages} (the one line printed for a failure, shared with the
 * workbench's command line).
 */
package dev.chameleon.workbench.trainer.cli;
