package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.store.DatasetSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code workbench stats [--dataset NAME]}: counts per category and review status. */
@Command(name = "stats", description = "Show datasets with counts per category and review status.")
final class StatsCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Option(names = "--dataset", description = "Only this dataset (default: all).")
    String dataset;

    @Override
    public Integer call() {
        try (Curation ws = root.openExisting()) {
            List<DatasetSummary> list = dataset == null ? ws.datasets() : List.of(WorkbenchCommand.summary(ws, dataset));
            if (root.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("workspace", ws.root().toString());
                m.put("datasets", list.stream().map(StatsCommand::toMap).toList());
                root.printJson(m);
            } else {
                PrintWriter out = root.out;
                out.println("workspace " + ws.root());
                for (DatasetSummary s : list) {
                    out.printf("%n%s (%s): %,d examples (%,d with images)%n", s.dataset().name(),
                            s.dataset().isPromptSet() ? "prompt set" : "SFT", s.total(), s.withImages());
                    for (Category c : Category.values()) {
                        out.printf("  %-24s %,10d%n", c.label(), s.count(c));
                    }
                    for (ReviewStatus r : ReviewStatus.values()) {
                        out.printf("  %-24s %,10d%n", r.wireName(), s.count(r));
                    }
                }
                out.flush();
            }
        }
        return 0;
    }

    static Map<String, Object> toMap(DatasetSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.dataset().name());
        m.put("kind", s.dataset().kind().wireName());
        m.put("examples", s.total());
        m.put("with_images", s.withImages());
        Map<String, Long> cats = new LinkedHashMap<>();
        for (Category c : Category.values()) {
            cats.put(c.wireName(), s.count(c));
        }
        m.put("categories", cats);
        Map<String, Long> st = new LinkedHashMap<>();
        for (ReviewStatus r : ReviewStatus.values()) {
            st.put(r.wireName(), s.count(r));
        }
        m.put("statuses", st);
        return m;
    }
}
