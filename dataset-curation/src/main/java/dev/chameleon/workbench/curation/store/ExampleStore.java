package dev.chameleon.workbench.curation.store;

import dev.chameleon.workbench.curation.io.ImportProblem;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ReviewStatus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The workspace's H2 database: datasets, examples, import history and snapshots, behind one object.
 *
 * <p>Each kind of record has its own repository in this package, all sharing one {@link Database}:
 * {@link DatasetRepository} (datasets and their counts), {@link ExampleRepository} (examples, their review fields and
 * duplicate detection), {@link IndexDirtyLog} (examples the search index has to catch up on),
 * {@link ImportJobRepository} (import history and problems) and {@link SnapshotRepository} (frozen versions). This
 * class opens the database, wires them together and answers for them.
 */
public final class ExampleStore implements AutoCloseable {

    /** Room for an example's tags, as the JSON array the store keeps. */
    public static final int MAX_TAGS_CHARS = 4000;

    private final Database db;
    private final DatasetRepository datasets;
    private final ExampleRepository examples;
    private final IndexDirtyLog dirty;
    private final ImportJobRepository imports;
    private final SnapshotRepository snapshots;

    private ExampleStore(Database db) {
        this.db = db;
        this.datasets = new DatasetRepository(db);
        this.examples = new ExampleRepository(db, datasets);
        this.dirty = new IndexDirtyLog(db);
        this.imports = new ImportJobRepository(db);
        this.snapshots = new SnapshotRepository(db);
    }

    /** Opens (creating and migrating as needed) the database at {@code <dir>/workbench.mv.db}. */
    public static ExampleStore open(Path dir) {
        return new ExampleStore(Database.open(dir));
    }

    /** The database's transactions, for companions in this package (e.g. {@link ReviewBatches}). */
    Database database() {
        return db;
    }

    /** Closes the pool; H2 closes the database cleanly when its last connection goes. */
    @Override
    public void close() {
        db.close();
    }

    /** The characters a set of tags takes in the store (see {@link #MAX_TAGS_CHARS}). */
    public static int tagsLength(Set<String> tags) {
        return tags.isEmpty() ? 2 : Database.json(new ArrayList<>(tags)).length();
    }

    // ---- datasets ----------------------------------------------------------------------------------------------

    /** The SFT dataset of that name, created if new; see {@link #createDataset(String, DatasetKind)}. */
    public Dataset createDataset(String name) {
        return createDataset(name, DatasetKind.SFT);
    }

    /**
     * The dataset of that name, created with the given kind if new.
     *
     * @throws IllegalArgumentException when the dataset exists with another kind, naming both kinds and the fix
     */
    public Dataset createDataset(String name, DatasetKind kind) {
        return datasets.create(name, kind);
    }

    public Optional<Dataset> dataset(String name) {
        return datasets.byName(name);
    }

    public Optional<Dataset> dataset(long id) {
        return datasets.byId(id);
    }

    /** The dataset by name, or an error listing the datasets that exist. */
    public Dataset requireDataset(String name) {
        return datasets.require(name);
    }

    public List<Dataset> datasets() {
        return datasets.all();
    }

    public DatasetSummary summary(Dataset d) {
        return datasets.summary(d);
    }

    public long count(Dataset d) {
        return datasets.count(d);
    }

    // ---- examples ----------------------------------------------------------------------------------------------

    /**
     * Stores the examples that the dataset does not hold yet (by conversation hash), in one transaction.
     * Duplicates within the batch are skipped too.
     */
    public InsertResult insert(Dataset d, List<Example> batch) {
        return examples.insert(d, batch, 0);
    }

    /**
     * As {@link #insert(Dataset, List)}, adding the batch's counts to an import job in the same transaction, so
     * the job's counts are what is stored even if the process dies before the import ends.
     *
     * @param jobId the import job, or 0 for none
     */
    public InsertResult insert(Dataset d, List<Example> batch, long jobId) {
        return examples.insert(d, batch, jobId);
    }

    public Optional<Example> example(long id) {
        return examples.byId(id);
    }

    /** The examples with the given ids grouped by their dataset's name, in id order within each. */
    public Map<String, List<Example>> examplesByDataset(List<Long> ids) {
        return examples.byDataset(ids);
    }

    /** Every example id of a dataset, in import order. */
    public long[] exampleIds(Dataset d) {
        return examples.ids(d);
    }

    /** The dataset id an example belongs to. */
    public Optional<Long> datasetOf(long exampleId) {
        return examples.datasetOf(exampleId);
    }

    /** Grid rows {@code [offset, offset+limit)} of a dataset in import order. */
    public List<ExampleRow> page(Dataset d, long offset, int limit) {
        return examples.page(d, offset, limit);
    }

    /** Grid rows for the given ids, in the given order (ids that no longer exist are left out). */
    public List<ExampleRow> rows(List<Long> ids) {
        return examples.rows(ids);
    }

    /**
     * Streams a dataset's examples in import order, optionally only those with the given status.
     *
     * @param progress told the number of positions read so far (of {@link #count(Dataset)}), or null
     */
    public void forEach(Dataset d, ReviewStatus onlyStatus, Consumer<Example> action, LongConsumer progress) {
        examples.forEach(d, onlyStatus, action, progress);
    }

    public void forEach(Dataset d, ReviewStatus onlyStatus, Consumer<Example> action) {
        examples.forEach(d, onlyStatus, action, null);
    }

    /** Streams every example with id above {@code afterId}, with its dataset's name, in id order. */
    public void forEachAfter(long afterId, BiConsumer<String, Example> action) {
        examples.forEachAfter(afterId, action);
    }

    public long maxExampleId() {
        return examples.maxId();
    }

    public long totalExamples() {
        return examples.total();
    }

    /** Sets the review status and marks the example for re-indexing, in one transaction. */
    public Example setStatus(long id, ReviewStatus status) {
        return examples.setStatus(id, status);
    }

    /** Sets the category (after the caller has checked its shape) and marks the example for re-indexing. */
    public Example setCategory(long id, Category category, String harmCategory) {
        return examples.setCategory(id, category, harmCategory);
    }

    // ---- search index catch-up ---------------------------------------------------------------------------------

    /** Examples changed since the index last committed them. */
    public List<Long> dirtyIds() {
        return dirty.ids();
    }

    public void clearDirty(List<Long> ids) {
        dirty.clear(ids);
    }

    // ---- import jobs -------------------------------------------------------------------------------------------

    public long startImport(Dataset d, String fileName) {
        return imports.start(d, fileName);
    }

    public void addProblems(long jobId, List<ImportProblem> problems) {
        imports.addProblems(jobId, problems);
    }

    /**
     * Marks every import still RUNNING as INTERRUPTED (their process was killed; see
     * {@link ImportJobRepository#markInterrupted()}).
     *
     * @return how many imports were marked
     */
    public int markInterruptedImports() {
        return imports.markInterrupted();
    }

    /** One import as the history records it. */
    public Optional<ImportJob> importJob(long jobId) {
        return imports.byId(jobId);
    }

    public void finishImport(long jobId, String state, String format, long records, long imported, long duplicates,
                             long problems) {
        imports.finish(jobId, state, format, records, imported, duplicates, problems);
    }

    public List<ImportProblem> problems(long jobId) {
        return imports.problems(jobId);
    }

    // ---- snapshots ---------------------------------------------------------------------------------------------

    public int nextSnapshotVersion(Dataset d) {
        return snapshots.nextVersion(d);
    }

    public void recordSnapshot(Dataset d, int version, String path, String hash, long examples) {
        snapshots.record(d, version, path, hash, examples);
    }

    /** Snapshots of a dataset, newest first. */
    public List<SnapshotRecord> snapshots(Dataset d) {
        return snapshots.of(d);
    }
}
