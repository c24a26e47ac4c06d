package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.snapshot.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
            long accepted = WorkbenchCommand.summary(ws, dataset).count(ReviewStatus.ACCEPTED);
            Path datasetDir = ws.root().resolve("snapshots").resolve(dataset);
            Snapshot s;
            try (WriteWatch ignored = new WriteWatch(root.err, "snapshot " + dataset, accepted,
                    () -> inProgress(datasetDir), false)) {
                s = ws.snapshot(dataset);
            }
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
    private static Path inProgress(Path datasetDir) {
        if (!Files.isDirectory(datasetDir)) {
            return null;
        }
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(datasetDir, ".v*.tmp")) {
            for (Path p : tmp) {
                return p.resolve("examples.jsonl");
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
