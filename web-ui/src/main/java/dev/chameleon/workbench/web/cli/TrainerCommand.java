package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.trainer.cli.SftTrainerMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code workbench trainer COMMAND ARGS...}: any sft-trainer command ({@code train}, {@code train-text-tokenizer},
 * {@code train-image-tokenizer}, ...) run in this process, as {@code java -jar sft-trainer.jar COMMAND ARGS...}
 * would. The web app starts its trainer child processes this way when it runs from the packaged jar.
 */
@Command(name = "trainer", description = "Run an sft-trainer command (same commands and options as 'sft-trainer.jar').")
final class TrainerCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Parameters(arity = "1..*", paramLabel = "ARGS", description = "The sft-trainer command and its options.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // Results to this command line's standard output, progress and errors to its standard error.
        CommandLine trainer = SftTrainerMain.commandLine();
        trainer.setOut(root.out);
        trainer.setErr(root.err);
        return trainer.execute(args.toArray(String[]::new));
    }
}
