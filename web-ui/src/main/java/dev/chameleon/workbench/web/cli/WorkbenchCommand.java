package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The root command: global options shared by every subcommand. */
@Command(name = "workbench", mixinStandardHelpOptions = true, version = "Chameleon Workbench 0.1.0",
        description = "Curate mixed-modal SFT data for Chameleon-style models.",
        subcommands = {ServeCommand.class, ImportCommand.class, ExportCommand.class, SearchCommand.class,
                StatsCommand.class, SnapshotCommand.class, CurationBenchmarkCommand.class})
public final class WorkbenchCommand {

    @Option(names = "--workspace", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DIR",
            description = "Workspace folder (default: $" + Curation.WORKSPACE_ENV + ", else ./workspace).")
    Path workspace;

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT,
            description = "Print a machine-readable JSON summary on standard output.")
    boolean json;

    Path workspace() {
        return workspace != null ? workspace.toAbsolutePath() : Curation.defaultWorkspace();
    }

    /** A command line with error handling that prints one clear message and a non-zero exit code. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new WorkbenchCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            String msg = t.getMessage();
            while ((msg == null || msg.isBlank()) && t.getCause() != null) {
                t = t.getCause();
                msg = t.getMessage();
            }
            cmd.getErr().println("error: " + (msg == null ? t.getClass().getSimpleName() : msg));
            if (System.getenv("WORKBENCH_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }
}
