package dev.chameleon.workbench.curation;

import dev.chameleon.workbench.curation.demo.DemoDataset;
import dev.chameleon.workbench.curation.images.ImageLimits;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.CategoryRules;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.HarmTaxonomy;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.review.BulkReview;
import dev.chameleon.workbench.curation.review.BulkUndo;
import dev.chameleon.workbench.curation.review.Outcome;
import dev.chameleon.workbench.curation.review.ReviewAction;
import dev.chameleon.workbench.curation.search.SearchIndex;
import dev.chameleon.workbench.curation.search.SearchPage;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.curation.snapshot.ExportResult;
import dev.chameleon.workbench.curation.snapshot.Snapshot;
import dev.chameleon.workbench.curation.snapshot.SnapshotWriter;
import dev.chameleon.workbench.curation.store.Dataset;
import dev.chameleon.workbench.curation.store.DatasetSummary;
import dev.chameleon.workbench.curation.store.ExampleRow;
import dev.chameleon.workbench.curation.store.ExampleStore;
import dev.chameleon.workbench.curation.store.ImportJob;
import dev.chameleon.workbench.curation.store.ReviewBatches;
import dev.chameleon.workbench.curation.store.SnapshotRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * A workspace: the one entry point for curating SFT data.
 *
 * <p>A workspace is one folder holding the H2 database ({@code db/}), the content-addressed image store
 * ({@code images/}), the Lucene index ({@code index/}) and frozen snapshots ({@code snapshots/}). The database
 * is the source of truth; the index is rebuilt from it where it lags (after a crash, say).
 */
public final class Curation implements AutoCloseable {

    /** The environment variable that overrides the default workspace folder. */
    public static final String WORKSPACE_ENV = "CHAMELEON_WORKSPACE";

    private final Path root;
    private final ExampleStore store;
    private final SearchIndex index;
    private final ImageStore images;
    private final CategoryRules rules;
    private final ReviewBatches batches;
    private final ReentrantLock importLock = new ReentrantLock();
    /** Bulk reviews and their undos take turns, so an undo never sees a batch half written. */
    private final ReentrantLock reviewLock = new ReentrantLock();

    private Curation(Path root, ExampleStore store, SearchIndex index, ImageStore images, CategoryRules rules) {
        this.root = root;
        this.store = store;
        this.index = index;
        this.images = images;
        this.rules = rules;
        this.batches = new ReviewBatches(store);
    }

    /** The workspace used when none is given: {@code $CHAMELEON_WORKSPACE}, else {@code ./workspace}. */
    public static Path defaultWorkspace() {
        String env = System.getenv(WORKSPACE_ENV);
        return Path.of(env != null && !env.isBlank() ? env : "workspace").toAbsolutePath();
    }

    /** Opens a workspace, creating it if the folder is new or empty, and brings its search index up to date. */
    public static Curation open(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create workspace folder " + root, e);
        }
        ExampleStore store = ExampleStore.open(root.resolve("db"));
        store.markInterruptedImports(); // the database admits one process: a RUNNING import here was killed
        SearchIndex index;
        try {
            index = SearchIndex.open(root.resolve("index"));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Curation c = new Curation(root, store, index, new ImageStore(root.resolve("images"), ImageLimits.defaults()),
                new CategoryRules(HarmTaxonomy.standard()));
        c.catchUpIndex();
        return c;
    }

    /** Indexes examples the last index commit lacks and replays review changes it missed. */
    private void catchUpIndex() {
        if (index.committedMaxId() > store.maxExampleId() || (store.totalExamples() == 0 && index.size() > 0)) {
            index.clear(); // The index is ahead of the database: it belongs to another database. Rebuild.
        }
        long[] max = {index.committedMaxId()};
        List<Example> batch = new ArrayList<>();
        String[] batchDataset = {null};
        store.forEachAfter(index.committedMaxId(), (dataset, e) -> {
            if (!dataset.equals(batchDataset[0]) || batch.size() >= 2000) {
                if (!batch.isEmpty()) {
                    index.put(batchDataset[0], batch);
                    batch.clear();
                }
                batchDataset[0] = dataset;
            }
            batch.add(e);
            max[0] = Math.max(max[0], e.id());
        });
        if (!batch.isEmpty()) {
            index.put(batchDataset[0], batch);
        }
        List<Long> dirty = store.dirtyIds();
        reindex(dirty);
        index.commit(max[0]);
        store.clearDirty(dirty);
    }

    /** Replaces the index documents of these examples with their stored state, a few thousand at a time. */
    private void reindex(List<Long> ids) {
        for (int from = 0; from < ids.size(); from += 2000) {
            store.examplesByDataset(ids.subList(from, Math.min(ids.size(), from + 2000))).forEach(index::put);
        }
    }

    public Path root() {
        return root;
    }

    public ImageStore images() {
        return images;
    }

    public CategoryRules rules() {
        return rules;
    }

    public HarmTaxonomy taxonomy() {
        return rules.taxonomy();
    }

    ExampleStore store() {
        return store;
    }

    SearchIndex index() {
        return index;
    }

    // ---- datasets ----------------------------------------------------------------------------------------------

    /** The SFT dataset of that name, created if new. */
    public Dataset createDataset(String name) {
        return store.createDataset(name);
    }

    /**
     * The dataset of that name, created with {@code kind} if new.
     *
     * @throws IllegalArgumentException when it exists with the other kind (the message names both and the fix)
     */
    public Dataset createDataset(String name, DatasetKind kind) {
        return store.createDataset(name, kind);
    }

    public List<DatasetSummary> datasets() {
        return store.datasets().stream().map(store::summary).toList();
    }

    public Optional<DatasetSummary> dataset(String name) {
        return store.dataset(name).map(store::summary);
    }

    /** The dataset by name, or an error that lists the datasets there are. */
    public Dataset requireDataset(String name) {
        return store.requireDataset(name);
    }

    /**
     * Creates the demo dataset when the workspace has no datasets at all (a first start), and returns whether it did.
     */
    public boolean ensureDemo() {
        importLock.lock();
        try {
            if (!store.datasets().isEmpty()) {
                return false;
            }
            DemoDataset demo = DemoDataset.generate(images, DemoDataset.DEFAULT_SEED, DemoDataset.DEFAULT_SIZE);
            Dataset d = store.createDataset(DemoDataset.NAME);
            List<Example> inserted = store.insert(d, demo.train()).inserted();
            index.addNew(d.name(), inserted);
            index.commit(inserted.stream().mapToLong(Example::id).max().orElse(0));
            return true;
        } finally {
            importLock.unlock();
        }
    }

    // ---- browsing and search -----------------------------------------------------------------------------------

    /**
     * Grid rows matching a request, {@code [offset, offset+limit)}. Unfiltered requests page the database by
     * position; anything else goes through the search index.
     *
     * @throws dev.chameleon.workbench.curation.search.QuerySyntaxException for a query that does not parse
     */
    public List<ExampleRow> rows(SearchRequest request, long offset, int limit) {
        Dataset d = store.requireDataset(request.dataset());
        if (request.isUnfiltered()) {
            return store.page(d, offset, limit);
        }
        SearchPage page = index.search(request, (int) Math.min(offset, Integer.MAX_VALUE), limit);
        return store.rows(page.ids());
    }

    /** How many examples match a request. */
    public long count(SearchRequest request) {
        Dataset d = store.requireDataset(request.dataset());
        return request.isUnfiltered() ? store.count(d) : index.count(request);
    }

    /** Example ids matching a query, best first. */
    public SearchPage search(SearchRequest request, int offset, int limit) {
        store.requireDataset(request.dataset());
        return index.search(request, offset, limit);
    }

    public Optional<Example> example(long id) {
        return store.example(id);
    }

    // ---- review ------------------------------------------------------------------------------------------------

    public Example setStatus(long id, ReviewStatus status) {
        Example e = store.setStatus(id, status);
        syncIndex(id, e);
        return e;
    }

    /**
     * Re-categorises an example if its shape fits the new category; otherwise changes nothing.
     *
     * @param harmCategory the harm id for Safety (null keeps the current one; ignored and cleared for others)
     * @return the rules the example would break (empty when the change was made)
     */
    public List<String> setCategory(long id, Category category, String harmCategory) {
        Example current = store.example(id).orElseThrow(() -> new IllegalArgumentException("no example with id " + id));
        String harm = category == Category.SAFETY ? (harmCategory != null ? harmCategory : current.harmCategory()) : null;
        Example proposed = current.withCategory(category).withHarmCategory(harm);
        DatasetKind kind = store.datasetOf(id).flatMap(store::dataset).map(Dataset::kind).orElse(DatasetKind.SFT);
        List<String> problems = rules.problems(proposed, kind);
        if (!problems.isEmpty()) {
            return problems;
        }
        Example e = store.setCategory(id, category, harm);
        syncIndex(id, e);
        return List.of();
    }

    private void syncIndex(long id, Example e) {
        store.datasetOf(id).flatMap(store::dataset).ifPresent(d -> {
            index.put(d.name(), List.of(e));
            index.refresh();
        });
    }

    // ---- bulk review -------------------------------------------------------------------------------------------

    /**
     * Applies one review action to every example of a dataset that a request matches (the same query and filters
     * the grid shows), as one transaction. Examples that already have the value are left alone; a
     * re-categorisation skips, and counts by reason, the examples whose shape does not fit the new category.
     * The search index reflects the change when this returns.
     *
     * @return the batch id for {@link #undo(long)}, and the counts
     * @throws dev.chameleon.workbench.curation.search.QuerySyntaxException for a query that does not parse
     */
    public BulkReview review(SearchRequest request, ReviewAction action) {
        long t0 = System.nanoTime();
        Dataset d = store.requireDataset(request.dataset());
        reviewLock.lock();
        try {
            long[] ids = request.isUnfiltered() ? store.exampleIds(d) : index.matchingIds(request);
            String query = describe(request);
            BulkReview r = action.field() == ReviewAction.Field.STATUS
                    ? batches.setStatus(d, query, ids, action)
                    : batches.apply(d, query, ids, action, bulkChange(d, action));
            reindex(batches.changedIds(r.batchId()));
            index.refresh();
            return new BulkReview(r.batchId(), r.dataset(), r.action(), r.matched(), r.changed(), r.unchanged(),
                    r.skipped(), (System.nanoTime() - t0) / 1e9);
        } finally {
            reviewLock.unlock();
        }
    }

    /**
     * Puts back what a bulk review changed: the one field it set, on every example it changed, as one
     * transaction (also after a restart: the previous values are stored).
     *
     * @throws IllegalArgumentException for an unknown batch, one already undone, or one whose examples a later
     *                                  batch changed again (undo that one first)
     */
    public BulkUndo undo(long batchId) {
        long t0 = System.nanoTime();
        reviewLock.lock();
        try {
            BulkUndo u = batches.undo(batchId);
            reindex(batches.changedIds(batchId));
            index.refresh();
            return new BulkUndo(u.batchId(), u.dataset(), u.action(), u.restored(), (System.nanoTime() - t0) / 1e9);
        } finally {
            reviewLock.unlock();
        }
    }

    /** What a category or tag action does to one example. */
    private Function<Example, Outcome> bulkChange(Dataset d, ReviewAction action) {
        if (action.field() == ReviewAction.Field.TAGS) {
            return e -> {
                if (e.tags().contains(action.tag())) {
                    return Outcome.unchanged();
                }
                Set<String> tags = new LinkedHashSet<>(e.tags());
                tags.add(action.tag());
                if (ExampleStore.tagsLength(tags) > ExampleStore.MAX_TAGS_CHARS) {
                    return Outcome.skip("its tags would be longer than " + ExampleStore.MAX_TAGS_CHARS
                            + " characters; remove some tags first");
                }
                return Outcome.change(e.withTags(tags));
            };
        }
        return e -> {
            Category c = action.category();
            String harm = c == Category.SAFETY
                    ? (action.harmCategory() != null ? action.harmCategory() : e.harmCategory()) : null;
            if (e.category() == c && Objects.equals(e.harmCategory(), harm)) {
                return Outcome.unchanged();
            }
            Example proposed = e.withCategory(c).withHarmCategory(harm);
            List<String> problems = rules.problems(proposed, d.kind());
            return problems.isEmpty() ? Outcome.change(proposed) : Outcome.skip(problems.get(0));
        };
    }

    /** The request as one line for the batch history: the query followed by the filters. */
    private static String describe(SearchRequest r) {
        StringBuilder sb = new StringBuilder(r.query() == null ? "" : r.query().strip());
        if (r.category() != null) {
            sb.append(sb.isEmpty() ? "" : " ").append("[category ").append(r.category().wireName()).append(']');
        }
        if (r.status() != null) {
            sb.append(sb.isEmpty() ? "" : " ").append("[status ").append(r.status().wireName()).append(']');
        }
        if (r.hasImage() != null) {
            sb.append(sb.isEmpty() ? "" : " ").append(r.hasImage() ? "[with images]" : "[without images]");
        }
        return sb.toString();
    }

    /** Makes review changes durable in the index (they already are in the database). */
    public void flushIndex() {
        List<Long> dirty = store.dirtyIds();
        index.commit(index.committedMaxId());
        store.clearDirty(dirty);
    }

    // ---- import, export, snapshot ------------------------------------------------------------------------------

    /**
     * Imports one file (or caption folder, or WebDataset shard) into a dataset, creating the dataset if needed.
     * Every good record is stored even when others are refused; records already in the dataset are skipped, so
     * re-running an interrupted import completes it. One import runs at a time per workspace.
     */
    public ImportReport importFile(String dataset, Path file, ImportOptions options, ImportProgress progress)
            throws IOException {
        importLock.lock();
        try {
            Dataset d = store.createDataset(dataset, options.kind());
            return new ImportRun(this, d, file, options, progress).run();
        } finally {
            importLock.unlock();
        }
    }

    /**
     * Imports several files into one dataset, in order. A file that fails (unreadable, not a format we read, a
     * reader error) is recorded as failed and the next file is imported all the same; a cancelled import stops
     * the rest. A dataset of another kind than {@code options.kind()} is refused before any file is read.
     *
     * @param progress the progress listener for each file
     */
    public List<FileImport> importFiles(String dataset, List<Path> files, ImportOptions options,
                                        Function<Path, ImportProgress> progress) {
        store.createDataset(dataset, options.kind());
        List<FileImport> out = new ArrayList<>();
        for (Path f : files) {
            try {
                ImportReport r = importFile(dataset, f, options, progress.apply(f));
                out.add(FileImport.done(f, r));
                if (r.cancelled()) {
                    break;
                }
            } catch (IOException | RuntimeException e) {
                out.add(FileImport.failed(f, e));
            }
        }
        return out;
    }

    /** An import as the workspace history records it (state, counts), if there is one with that id. */
    public Optional<ImportJob> importJob(long jobId) {
        return store.importJob(jobId);
    }

    /** The problems recorded for an import, all of them. */
    public List<dev.chameleon.workbench.curation.io.ImportProblem> importProblems(long jobId) {
        return store.problems(jobId);
    }

    /** Writes a dataset as canonical JSONL (gzip when the name ends in .gz) with its images beside it. */
    public ExportResult export(String dataset, Path out) throws IOException {
        return export(dataset, out, null);
    }

    /**
     * Writes a dataset as canonical JSONL, telling {@code progress} how many of the dataset's
     * {@link #size(String)} examples it has read so far.
     */
    public ExportResult export(String dataset, Path out, LongConsumer progress) throws IOException {
        return SnapshotWriter.export(store, images, store.requireDataset(dataset), out, progress);
    }

    /** Freezes the dataset's accepted examples into a new immutable, versioned snapshot folder. */
    public Snapshot snapshot(String dataset) throws IOException {
        return snapshot(dataset, null);
    }

    /** As {@link #snapshot(String)}, telling {@code progress} how many of {@link #size(String)} it has read. */
    public Snapshot snapshot(String dataset, LongConsumer progress) throws IOException {
        Dataset d = store.requireDataset(dataset);
        return SnapshotWriter.snapshot(store, images, d, root.resolve("snapshots"), progress);
    }

    /** Number of examples in a dataset (all statuses). */
    public long size(String dataset) {
        return store.count(store.requireDataset(dataset));
    }

    public List<SnapshotRecord> snapshots(String dataset) {
        return store.snapshots(store.requireDataset(dataset));
    }

    /** Search index size on disk, in bytes. */
    public long indexBytes() {
        return index.diskBytes();
    }

    @Override
    public void close() {
        try {
            flushIndex();
        } finally {
            try {
                index.close();
            } finally {
                store.close();
            }
        }
    }
}
