package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.web.WorkbenchApplication;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code workbench serve [--port N]}: the web app, on localhost unless told otherwise. Once it listens it prints
 * its address (the JSON summary under --json) and runs until stopped.
 */
@Command(name = "serve", description = "Serve the web app (default http://localhost:8080); the default command.")
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = 8080;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default 127.0.0.1; use 0.0.0.0 to expose it to the network).")
    String bind = "127.0.0.1";

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port " + port + " is not a port; use 1-65535, or 0 for a free one");
        }
        ConfigurableApplicationContext context = WorkbenchApplication.start(root.workspace(), port, bind);
        String host = bind.equals("0.0.0.0") ? "localhost" : bind;
        String url = "http://" + host + ":" + context.getEnvironment().getProperty("local.server.port", "" + port) + "/";
        if (root.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", url);
            m.put("workspace", root.workspace().toString());
            root.printJson(m);
        } else {
            root.err.println("Chameleon Workbench at " + url + " (workspace " + root.workspace() + "); Ctrl-C stops it");
        }
        WorkbenchApplication.awaitClose(context);
        return 0;
    }
}
