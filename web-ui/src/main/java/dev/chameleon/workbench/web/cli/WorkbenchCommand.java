package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.search.QuerySyntaxException;
import dev.chameleon.workbench.curation.store.DatasetSummary;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The root command: global options shared by every subcommand. With no subcommand it serves the web app.
 *
 * <p>Standard output carries the command's own output only (the JSON summary under {@code --json}): while a
 * command runs, anything else written to {@code System.out} (library logging) goes to standard error.
 */
@Command(name = "workbench", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "Chameleon Workbench 0.1.0",
        description = "Curate mixed-modal SFT data for Chameleon-style models.",
        subcommands = {ServeCommand.class, ImportCommand.class, ExportCommand.class, SearchCommand.class,
                StatsCommand.class, SnapshotCommand.class, TrainCommand.class,
                TrainerCommand.class, RunCommand.class, ExportRunCommand.class, DemoCommand.class,
                ReviewCommand.class, CheckpointsCommand.class})
public final class WorkbenchCommand implements Callable<Integer> {

    @Option(names = "--workspace", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DIR",
            description = "Workspace folder (default: $" + Curation.WORKSPACE_ENV + ", else ./workspace).")
    Path workspace;

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT,
            description = "Print a machine-readable JSON summary on standard output.")
    boolean json;

    /** Set when a command runs: standard output (results only) and error (messages, progress). */
    PrintWriter out;
    PrintWriter err;
    PrintStream stdout;

    Path workspace() {
        return workspace != null ? workspace.toAbsolutePath() : Curation.defaultWorkspace();
    }

    /** Opens a workspace that must already exist, so a mistyped --workspace is not silently created empty. */
    Curation openExisting() {
        return Curation.open(existingWorkspace());
    }

    /**
     * The workspace folder, which must already exist; nothing in it is opened, so a command that only reads run
     * folders works while the web app holds the workspace.
     */
    Path existingWorkspace() {
        Path root = workspace();
        if (!Files.isDirectory(root.resolve("db"))) {
            throw new IllegalArgumentException("no workspace at " + root + "; pass --workspace DIR (or set $"
                    + Curation.WORKSPACE_ENV + "), or import data to create it");
        }
        return root;
    }

    /** A dataset's counts, or the facade's error that names the dataset and lists the ones there are. */
    static DatasetSummary summary(Curation ws, String dataset) {
        ws.requireDataset(dataset);
        return ws.dataset(dataset).orElseThrow();
    }

    /** Prints the JSON summary on standard output. */
    void printJson(Object summary) {
        out.println(Json.write(summary));
        out.flush();
    }

    @Override
    public Integer call() {
        ServeCommand serve = new ServeCommand();
        serve.root = this;
        return serve.call();
    }

    /**
     * A command line writing to the current standard streams, with error handling that prints one clear line:
     * exit 1 for a failure, 2 for a usage error or bad input.
     */
    public static CommandLine commandLine() {
        PrintStream stdout = System.out;
        WorkbenchCommand root = new WorkbenchCommand();
        CommandLine cl = new CommandLine(root);
        // Everything after `trainer` belongs to the trainer's own command line, options included.
        cl.getSubcommands().get("trainer").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(System.err, true));
        cl.setExecutionStrategy(parsed -> {
            root.out = cl.getOut();
            root.err = cl.getErr();
            root.stdout = stdout;
            quietLibraryLogging();
            System.setOut(System.err);
            try {
                return new CommandLine.RunLast().execute(parsed);
            } finally {
                System.setOut(stdout);
            }
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            String msg = firstLine(ex.getMessage());
            if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                msg += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
            }
            cmd.getErr().println("error: " + msg + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + message(ex));
            if (System.getenv("WORKBENCH_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return ex instanceof QuerySyntaxException ? cmd.getCommandSpec().exitCodeOnInvalidInput() : 1;
        });
        return cl;
    }

    /**
     * One line for a failure: our own messages as they are; a framework wrapper (Spring's bean errors) unwrapped
     * to the cause that says what went wrong; a bare JDK exception ("/x: AccessDeniedException") with its type.
     */
    static String message(Throwable ex) {
        return dev.chameleon.workbench.trainer.cli.ErrorMessages.of(ex);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** Library INFO logging (Flyway's migrations) is noise on a command line; `serve` configures its own. */
    private static void quietLibraryLogging() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
