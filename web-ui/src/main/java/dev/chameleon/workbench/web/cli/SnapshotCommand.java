package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.snapshot.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code workbench snapshot --dataset NAME}: freezes the accepted examples for training. */
@Command(name = "snapshot", description = "Freeze a dataset's accepted examples into a versioned snapshot folder.")
final class SnapshotCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Option(names = "--dataset", required = true)
    String dataset;

    @Override
    public Integer call() throws Exception {
        try (Curation ws = root.openExisting()) {
            long total = ws.size(dataset);
            ConsoleProgress line = new ConsoleProgress(root.err, "snapshot " + dataset, ConsoleProgress.EXAMPLES);
            Snapshot s = ws.snapshot(dataset, done -> line.update(done, total,
                    "", false));
            line.finish();
            if (root.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("dataset", s.dataset());
                m.put("version", s.version());
                m.put("dir", s.dir().toString());
                m.put("content_hash", s.contentHash());
                m.put("examples", s.examples());
                m.put("images", s.images());
                Map<String, Long> cats = new LinkedHashMap<>();
                s.byCategory().forEach((c, n) -> cats.put(c.wireName(), n));
                m.put("categories", cats);
                root.printJson(m);
            } else {
                root.err.printf("snapshot %s v%d: %,d accepted examples, %,d images, sha256 %s%n  %s%n",
                        s.dataset(), s.version(), s.examples(), s.images(), s.contentHash(), s.dir());
            }
        }
        return 0;
    }

    /** The examples file of the snapshot being written: SnapshotWriter builds it in a hidden ".vNNNN.tmp" folder. */
}
