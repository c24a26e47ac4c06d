package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.review.BulkReview;
import dev.chameleon.workbench.curation.review.BulkUndo;
import dev.chameleon.workbench.curation.review.ReviewAction;
import dev.chameleon.workbench.curation.search.SearchRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code workbench review --dataset NAME [--query Q] (--accept|--reject|--category C|--tag T)}: one review action
 * on every example a search matches, as one undoable batch; {@code workbench review --undo BATCH} puts it back.
 */
@Command(name = "review", description = "Accept, reject, re-categorise or tag every example a search matches "
        + "(one undoable batch), or undo such a batch.")
final class ReviewCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", description = "The dataset to review.")
    String dataset;

    @Option(names = "--query", paramLabel = "Q",
            description = "Only examples matching this search (default: all), e.g. 'status:pending has_image:true'.")
    String query;

    @Option(names = "--accept", description = "Accept the matches.")
    boolean accept;

    @Option(names = "--reject", description = "Reject the matches.")
    boolean reject;

    @Option(names = "--category", paramLabel = "C", converter = ImportCommand.CategoryConverter.class,
            description = "Re-categorise the matches (those whose shape does not fit are skipped and counted).")
    Category category;

    @Option(names = "--harm", paramLabel = "H",
            description = "With --category safety: the harm category (default: each example's own).")
    String harm;

    @Option(names = "--tag", paramLabel = "T", description = "Add this tag to the matches.")
    String tag;

    @Option(names = "--undo", paramLabel = "BATCH", description = "Undo the batch with this id (printed by a review).")
    Long undo;

    @Override
    public Integer call() {
        int actions = (accept ? 1 : 0) + (reject ? 1 : 0) + (category != null ? 1 : 0) + (tag != null ? 1 : 0);
        if (undo != null && (actions > 0 || dataset != null || query != null)) {
            throw usage("--undo BATCH takes no other option; run it on its own");
        }
        if (undo == null && (dataset == null || actions != 1)) {
            throw usage("give --dataset NAME and exactly one of --accept, --reject, --category C or --tag T "
                    + "(or --undo BATCH)");
        }
        if (harm != null && category != Category.SAFETY) {
            throw usage("--harm goes with --category safety");
        }
        try (Curation ws = root.openExisting()) {
            return undo != null ? undo(ws, undo) : review(ws);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private ReviewAction action() {
        if (accept) {
            return ReviewAction.accept();
        }
        if (reject) {
            return ReviewAction.reject();
        }
        return category != null ? ReviewAction.category(category, harm) : ReviewAction.tag(tag);
    }

    private int review(Curation ws) {
        ReviewAction action = action();
        SearchRequest request = SearchRequest.of(dataset, query);
        long matching = ws.count(request); // also checks the dataset and the query before anything changes
        root.err.printf(Locale.ROOT, "review %s: %s on %,d matching examples...%n", dataset, action.describe(),
                matching);
        root.err.flush();
        BulkReview r = ws.review(request, action);
        if (root.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batch", r.batchId());
            m.put("dataset", r.dataset());
            m.put("action", r.action());
            m.put("query", query == null ? "" : query);
            m.put("matched", r.matched());
            m.put("changed", r.changed());
            m.put("unchanged", r.unchanged());
            m.put("skipped", r.skippedCount());
            m.put("skipped_reasons", r.skipped());
            m.put("seconds", r.seconds());
            root.printJson(m);
        } else {
            root.out.printf(Locale.ROOT, "batch %d: %s in %s: %,d matched, %,d changed, %,d already so, %,d skipped "
                    + "(%.1f s)%n", r.batchId(), r.action(), r.dataset(), r.matched(), r.changed(), r.unchanged(),
                    r.skippedCount(), r.seconds());
            r.skipped().forEach((reason, n) -> root.out.printf(Locale.ROOT, "  skipped %,d: %s%n", n, reason));
            root.out.printf("undo with: workbench review --undo %d%n", r.batchId());
            root.out.flush();
        }
        return 0;
    }

    private int undo(Curation ws, long batch) {
        BulkUndo u = ws.undo(batch);
        if (root.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("undone", u.batchId());
            m.put("dataset", u.dataset());
            m.put("action", u.action());
            m.put("restored", u.restored());
            m.put("seconds", u.seconds());
            root.printJson(m);
        } else {
            root.out.printf(Locale.ROOT, "undid batch %d (%s in %s): %,d examples restored (%.1f s)%n", u.batchId(),
                    u.action(), u.dataset(), u.restored(), u.seconds());
            root.out.flush();
        }
        return 0;
    }
}
