package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.demo.DemoDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code workbench demo}: creates the workspace if needed and the demo dataset if it is missing, as the web app
 * does on its first start (only into a workspace without datasets); then {@code workbench run --dataset demo} trains on it.
 */
@Command(name = "demo", description = "Create the workspace and its demo dataset (what the web app does on first start).")
final class DemoCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Override
    public Integer call() {
        try (Curation ws = Curation.open(root.workspace())) {
            boolean created = ws.ensureDemo();
            if (ws.dataset(DemoDataset.NAME).isEmpty()) {
                throw new IllegalArgumentException("the workspace " + ws.root() + " already holds other datasets and"
                        + " the demo is only added to an empty one; use a new --workspace DIR for the demo");
            }
            long examples = ws.size(DemoDataset.NAME);
            if (root.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("workspace", ws.root().toString());
                m.put("dataset", DemoDataset.NAME);
                m.put("created", created);
                m.put("examples", examples);
                root.printJson(m);
            } else {
                root.out.printf("%s dataset '%s' in %s: %,d examples%n", created ? "created" : "kept existing",
                        DemoDataset.NAME, ws.root(), examples);
                root.out.flush();
            }
        }
        return 0;
    }
}
