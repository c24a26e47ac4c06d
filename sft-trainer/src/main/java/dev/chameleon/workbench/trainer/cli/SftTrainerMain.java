package dev.chameleon.workbench.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;

/**
 * The command line of the sft-trainer jar: {@code java -jar sft-trainer.jar COMMAND}. Tokenizer training,
 * encoding and decoding, and rendering examples as training sequences.
 *
 * <p>Standard output carries results only; progress and errors go to standard error. A failure prints one line
 * {@code error: ...} and exits 1; a usage error exits 2.
 */
@Command(name = "sft-trainer", mixinStandardHelpOptions = true, version = "Chameleon Workbench sft-trainer 0.1.0",
        description = "Tokenizers and training sequences for Chameleon-style SFT.",
        subcommands = {TrainTextTokenizerCommand.class, TrainImageTokenizerCommand.class, EncodeTextCommand.class,
                DecodeTextCommand.class, EncodeImageCommand.class, DecodeImageCommand.class, RenderCommand.class,
                CountCommand.class, TrainCommand.class, GenerateCommand.class, CheckDemoCommand.class,
                ExportHfCommand.class})
public final class SftTrainerMain implements Runnable {

    final Toolkit toolkit;
    PrintWriter out;
    PrintWriter err;

    SftTrainerMain(Toolkit toolkit) {
        this.toolkit = toolkit;
    }

    public static void main(String[] args) {
        // The PyTorch native comes inside the jar; DJL must never try to download one (set -Dai.djl.offline=false
        // explicitly to allow it).
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.exit(commandLine().execute(args));
    }

    /** A command line over the real tokenizers, writing to the process's standard streams. */
    public static CommandLine commandLine() {
        return commandLine(new RealToolkit());
    }

    static CommandLine commandLine(Toolkit toolkit) {
        SftTrainerMain root = new SftTrainerMain(toolkit);
        CommandLine cl = new CommandLine(root);
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        cl.setExecutionStrategy(parsed -> {
            root.out = cl.getOut();
            root.err = cl.getErr();
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setParameterExceptionHandler((ParameterException ex, String[] args) -> {
            CommandLine cmd = ex.getCommandLine();
            String msg = ErrorMessages.firstLine(ex.getMessage()).replaceFirst("^Error: ", "");
            if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                msg += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
            }
            cmd.getErr().println("error: " + msg + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + ErrorMessages.of(ex));
            if (System.getenv("WORKBENCH_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new ParameterException(new CommandLine(this), "name a command");
    }
}
