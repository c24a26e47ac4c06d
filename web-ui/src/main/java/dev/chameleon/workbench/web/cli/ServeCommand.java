package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.web.WorkbenchApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code workbench serve [--port N]}: the web app, on localhost unless told otherwise. */
@Command(name = "serve", description = "Serve the web app (default http://localhost:8080).")
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Option(names = "--port", defaultValue = "8080")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default 127.0.0.1; use 0.0.0.0 to expose it to the network).")
    String bind;

    @Override
    public Integer call() {
        WorkbenchApplication.serve(root.workspace(), port, bind);
        return 0;
    }
}
