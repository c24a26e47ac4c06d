package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.search.SearchPage;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.curation.store.ExampleRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code workbench search --dataset NAME QUERY}: full-text search with field filters. */
@Command(name = "search", description = "Search a dataset. Syntax: words, \"phrases\", AND/OR/NOT, "
        + "category:visual_chat, status:accepted, tag:X, harm:X, has_image:true, length:[10 TO 200], images:[1 TO *].")
final class SearchCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Option(names = "--dataset", required = true)
    String dataset;

    @Parameters(arity = "1..*", paramLabel = "QUERY")
    List<String> query;

    @Option(names = "--limit", defaultValue = "20", description = "Hits to show (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "Hits to skip (default ${DEFAULT-VALUE}).")
    int offset;

    @Override
    public Integer call() {
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException("--limit must be at least 1 and --offset at least 0 (got --limit "
                    + limit + " --offset " + offset + ")");
        }
        try (Curation ws = root.openExisting()) {
            SearchRequest req = SearchRequest.of(dataset, String.join(" ", query));
            SearchPage page = ws.search(req, offset, limit);
            List<ExampleRow> rows = ws.rows(req, offset, limit);
            if (root.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("dataset", dataset);
                m.put("query", req.query());
                m.put("total", page.total());
                m.put("hits", rows.stream().map(r -> {
                    Map<String, Object> h = new LinkedHashMap<>();
                    h.put("id", r.id());
                    h.put("category", r.category().wireName());
                    h.put("status", r.status().wireName());
                    h.put("images", r.imageCount());
                    h.put("preview", r.preview());
                    h.put("source", r.source());
                    return h;
                }).toList());
                root.printJson(m);
            } else {
                PrintWriter out = root.out;
                out.printf("%,d matches%n", page.total());
                for (ExampleRow r : rows) {
                    out.printf("%8d  %-22s %-8s %s%s%n", r.id(), r.category().label(), r.status().wireName(),
                            r.imageCount() > 0 ? "[" + r.imageCount() + " img] " : "", r.preview());
                }
                out.flush();
            }
        }
        return 0;
    }
}
