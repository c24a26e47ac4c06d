package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.snapshot.ExportResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code workbench export --dataset NAME --out FILE}: canonical JSONL with the images beside it. */
@Command(name = "export", description = "Export a dataset as canonical JSONL (images copied beside the file).")
final class ExportCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Option(names = "--dataset", required = true)
    String dataset;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output .jsonl or .jsonl.gz.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path file = out.toAbsolutePath();
        try (Curation ws = root.openExisting()) {
            long total = ws.size(dataset);
            ConsoleProgress line = new ConsoleProgress(root.err, "export " + dataset, ConsoleProgress.EXAMPLES);
            ExportResult r = ws.export(dataset, file, done -> line.update(done, total,
                    "", false));
            line.finish();
            if (root.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("dataset", dataset);
                m.put("file", r.file().toString());
                m.put("image_dir", r.imageDir().toString());
                m.put("examples", r.examples());
                m.put("images", r.images());
                root.printJson(m);
            } else {
                root.err.printf("exported %,d examples and %,d images to %s (images in %s)%n", r.examples(),
                        r.images(), r.file(), r.imageDir());
            }
        }
        return 0;
    }
}
