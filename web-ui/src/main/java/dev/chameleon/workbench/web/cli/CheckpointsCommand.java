package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.web.generation.ImportedCheckpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code workbench checkpoints add|list|remove}: the released checkpoints (Hugging Face layout) registered in the
 * workspace, which the Playground, Side by side and the Runs view's "Start from" list beside the trained ones.
 * Folders are registered where they are, never copied, and removing one leaves its files alone. These commands
 * touch only {@code WORKSPACE/checkpoints/imported.json}, so they work while the web app has the workspace open.
 */
@Command(name = "checkpoints", description = "Register released checkpoint folders (Hugging Face layout) in the "
        + "workspace, list them, or unregister them.",
        subcommands = {CheckpointsCommand.Add.class, CheckpointsCommand.ListCommand.class,
                CheckpointsCommand.Remove.class})
final class CheckpointsCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "give one of add, list, remove");
    }

    /** The registry of an existing workspace (checked without opening its database, which the web app may hold). */
    ImportedCheckpoints registry() {
        Path ws = root.workspace();
        if (!Files.isDirectory(ws.resolve("db"))) {
            throw new IllegalArgumentException("no workspace at " + ws + "; pass --workspace DIR (or set $"
                    + Curation.WORKSPACE_ENV + "), or import data to create it");
        }
        return new ImportedCheckpoints(ws);
    }

    static Map<String, Object> toMap(ImportedCheckpoints.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("path", e.path().toString());
        m.put("kind", e.kind());
        m.put("added", e.added().toString());
        m.put("present", e.present());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("parameters", e.model().parameters());
        model.put("layers", e.model().layers());
        model.put("hidden", e.model().hidden());
        model.put("heads", e.model().heads());
        model.put("vocab", e.model().vocab());
        model.put("swin_norm", e.model().swinNorm());
        m.put("model", model);
        return m;
    }

    @Command(name = "add", description = "Register a checkpoint folder in the Hugging Face layout (config.json, "
            + "model.safetensors or shards with model.safetensors.index.json, tokenizer.json); it is checked, not copied.")
    static final class Add implements Callable<Integer> {

        @ParentCommand
        CheckpointsCommand parent;

        @Parameters(paramLabel = "DIR", description = "The checkpoint folder.")
        Path dir;

        @Option(names = "--name", paramLabel = "NAME", description = "Name in the workspace (default: the folder's).")
        String name;

        @Override
        public Integer call() {
            ImportedCheckpoints.Entry e = parent.registry().add(dir, name);
            WorkbenchCommand root = parent.root;
            if (root.json) {
                root.printJson(toMap(e));
            } else {
                root.out.printf("registered %s: %s%n  %s%n", e.name(), e.path(), e.model().longText());
                root.out.flush();
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the registered checkpoint folders.")
    static final class ListCommand implements Callable<Integer> {

        @ParentCommand
        CheckpointsCommand parent;

        @Override
        public Integer call() {
            ImportedCheckpoints registry = parent.registry();
            List<ImportedCheckpoints.Entry> all = registry.list();
            WorkbenchCommand root = parent.root;
            if (root.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("registry", registry.file().toString());
                m.put("checkpoints", all.stream().map(CheckpointsCommand::toMap).toList());
                root.printJson(m);
            } else {
                PrintWriter out = root.out;
                if (all.isEmpty()) {
                    out.println("no imported checkpoints; add one with 'workbench checkpoints add DIR'");
                }
                for (ImportedCheckpoints.Entry e : all) {
                    out.printf("%s  %s%s%n  %s, added %s%n", e.name(), e.path(),
                            e.present() ? "" : "  (folder missing)", e.model().longText(), e.added());
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Unregister a checkpoint folder; its files are left as they are.")
    static final class Remove implements Callable<Integer> {

        @ParentCommand
        CheckpointsCommand parent;

        @Parameters(paramLabel = "NAME", description = "The registered name (see 'workbench checkpoints list').")
        String name;

        @Override
        public Integer call() {
            ImportedCheckpoints.Entry e = parent.registry().remove(name);
            WorkbenchCommand root = parent.root;
            if (root.json) {
                root.printJson(Map.of("removed", toMap(e)));
            } else {
                root.out.printf("removed %s (%s is left as it is)%n", e.name(), e.path());
                root.out.flush();
            }
            return 0;
        }
    }
}
