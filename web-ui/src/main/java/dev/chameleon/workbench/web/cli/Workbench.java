package dev.chameleon.workbench.web.cli;

import picocli.CommandLine;

/**
 * The {@code workbench} launcher: {@code java -jar workbench.jar [--workspace DIR] COMMAND}.
 * With no command it serves the web app.
 */
public final class Workbench {

    private Workbench() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (0 ok, 1 error, 2 usage or nothing imported). */
    public static int run(String... args) {
        return WorkbenchCommand.commandLine().execute(args.length == 0 ? new String[]{"serve"} : args);
    }
}
