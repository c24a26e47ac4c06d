package dev.chameleon.workbench.curation.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.model.Source;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The workspace's H2 database: datasets, examples, import history and snapshots.
 *
 * <p>The schema is created and migrated by Flyway from {@code db/migration}. Examples are unique per dataset by
 * the hash of their conversation, so importing the same file twice adds nothing the second time. Writes happen in
 * short transactions; a crash loses at most the batch in flight, never a committed one.
 */
public final class ExampleStore implements AutoCloseable {

    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final String ROW_COLUMNS =
            "id, seq, category, status, harm_category, preview, text_length, image_count, tags, source_file, source_line";
    static final String FULL_COLUMNS =
            "id, category, status, harm_category, source_file, source_line, tags, metadata, messages, tools, rejected";
    /** Columns after {@link #FULL_COLUMNS} start here (1-based). */
    private static final int AFTER_FULL = 12;
    private static final String DATASET_COLUMNS = "id, name, created_at, kind";

    /** Room for an example's tags, as the JSON array the store keeps. */
    public static final int MAX_TAGS_CHARS = 4000;

    private final JdbcConnectionPool pool;

    private ExampleStore(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /** Opens (creating and migrating as needed) the database at {@code <dir>/workbench.mv.db}. */
    public static ExampleStore open(Path dir) {
        // DB_CLOSE_ON_EXIT=FALSE: we close the database ourselves, after a cancelled import has stopped cleanly.
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("workbench") + ";CACHE_SIZE=65536;DB_CLOSE_ON_EXIT=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        pool.setMaxConnections(16);
        try (Connection c = pool.getConnection()) {
            c.isValid(1);
        } catch (SQLException e) {
            pool.dispose();
            if (e.getErrorCode() == 90020) { // DATABASE_ALREADY_OPEN_1
                throw new WorkspaceLockedException("the workspace database " + dir + " is open in another "
                        + "workbench process; stop it (or use another --workspace) and retry", e);
            }
            throw new IllegalStateException("cannot open the workspace database in " + dir + ": " + e.getMessage(), e);
        }
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        return new ExampleStore(pool);
    }

    /** The database, for companions that keep their own tables in it (e.g. {@link TokenCounts}). */
    public javax.sql.DataSource dataSource() {
        return pool;
    }

    /** Closes the pool; H2 closes the database cleanly when its last connection goes. */
    @Override
    public void close() {
        pool.dispose();
    }

    // ---- datasets ----------------------------------------------------------------------------------------------

    /** The SFT dataset of that name, created if new; see {@link #createDataset(String, DatasetKind)}. */
    public Dataset createDataset(String name) {
        return createDataset(name, DatasetKind.SFT);
    }

    /**
     * The dataset of that name, created with the given kind if new.
     *
     * @throws IllegalArgumentException when the dataset exists with another kind (SFT data into a prompt set or
     *                                  the reverse), naming both kinds and the fix
     */
    public Dataset createDataset(String name, DatasetKind kind) {
        String n = validName(name);
        return tx(c -> {
            Optional<Dataset> existing = dataset(c, n);
            if (existing.isPresent()) {
                Dataset d = existing.get();
                if (d.kind() != kind) {
                    throw new IllegalArgumentException("dataset '" + n + "' is " + d.describeKind() + " (kind "
                            + d.kind().wireName() + "), but this import is of kind " + kind.wireName()
                            + "; import with kind " + d.kind().wireName() + " (--kind " + d.kind().wireName()
                            + "), or into another dataset name");
                }
                return d;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dataset(name, created_at, kind) VALUES (?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                Instant now = Instant.now();
                ps.setString(1, n);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, kind.name());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return new Dataset(rs.getLong(1), n, now, kind);
                }
            }
        });
    }

    public Optional<Dataset> dataset(String name) {
        return tx(c -> dataset(c, name));
    }

    public Optional<Dataset> dataset(long id) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DATASET_COLUMNS + " FROM dataset WHERE id = ?")) {
                ps.setLong(1, id);
                return one(ps);
            }
        });
    }

    /** The dataset by name, or an error listing the datasets that exist. */
    public Dataset requireDataset(String name) {
        return dataset(name).orElseThrow(() -> new IllegalArgumentException("no dataset named '" + name
                + "'; datasets in this workspace: " + datasets().stream().map(Dataset::name).toList()));
    }

    public List<Dataset> datasets() {
        return tx(c -> {
            List<Dataset> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DATASET_COLUMNS + " FROM dataset ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(datasetRow(rs));
                }
            }
            return out;
        });
    }

    public DatasetSummary summary(Dataset d) {
        return tx(c -> {
            Map<Category, Long> byCat = new EnumMap<>(Category.class);
            Map<ReviewStatus, Long> byStatus = new EnumMap<>(ReviewStatus.class);
            long total = 0;
            long withImages = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT category, status, COUNT(*), "
                    + "SUM(CASE WHEN image_count > 0 THEN 1 ELSE 0 END) FROM example WHERE dataset_id = ? "
                    + "GROUP BY category, status")) {
                ps.setLong(1, d.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long n = rs.getLong(3);
                        byCat.merge(Category.valueOf(rs.getString(1)), n, Long::sum);
                        byStatus.merge(ReviewStatus.valueOf(rs.getString(2)), n, Long::sum);
                        total += n;
                        withImages += rs.getLong(4);
                    }
                }
            }
            return new DatasetSummary(d, total, byCat, byStatus, withImages);
        });
    }

    public long count(Dataset d) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT next_seq FROM dataset WHERE id = ?")) {
                ps.setLong(1, d.id());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    // ---- examples ----------------------------------------------------------------------------------------------

    /**
     * Stores the examples that the dataset does not hold yet (by conversation hash), in one transaction.
     * Duplicates within the batch are skipped too.
     */
    public InsertResult insert(Dataset d, List<Example> batch) {
        return insert(d, batch, 0);
    }

    /**
     * As {@link #insert(Dataset, List)}, adding the batch's counts to an import job in the same transaction, so
     * the job's counts are what is stored even if the process dies before the import ends.
     *
     * @param jobId the import job, or 0 for none
     */
    public InsertResult insert(Dataset d, List<Example> batch, long jobId) {
        // Serialise each conversation once: the same text is stored and hashed.
        List<String> json = new ArrayList<>(batch.size());
        List<Long> hashes = new ArrayList<>(batch.size());
        for (Example e : batch) {
            String m = ExampleJson.messagesToJson(e.messages());
            json.add(m);
            hashes.add(contentHash(m, e));
        }
        synchronized (this) { // ids are handed out here, so inserts take turns
            // New data rarely repeats what is stored, so first try without looking anything up and let the unique
            // index object; after a batch with duplicates (a re-import, say) look each batch up first.
            if (!checkFirst.contains(d.id())) {
                try {
                    return tx(c -> countedInsert(c, d, batch, json, hashes, false, jobId));
                } catch (IllegalStateException e) {
                    if (!(e.getCause() instanceof SQLException sql) || sql.getErrorCode() != DUPLICATE_KEY) {
                        throw e;
                    }
                    checkFirst.add(d.id());
                }
            }
            InsertResult r = tx(c -> countedInsert(c, d, batch, json, hashes, true, jobId));
            if (r.duplicates() == 0) {
                checkFirst.remove(d.id());
            }
            return r;
        }
    }

    private static final int DUPLICATE_KEY = 23505;
    /** Datasets whose last batch held duplicates of stored examples. */
    private final Set<Long> checkFirst = new HashSet<>();

    private InsertResult countedInsert(Connection c, Dataset d, List<Example> batch, List<String> json,
                                       List<Long> hashes, boolean lookUp, long jobId) throws SQLException {
        InsertResult r = insert(c, d, batch, json, hashes, lookUp);
        if (jobId > 0) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE import_job SET imported = imported + ?, duplicates = duplicates + ? WHERE id = ?")) {
                ps.setLong(1, r.inserted().size());
                ps.setLong(2, r.duplicates());
                ps.setLong(3, jobId);
                ps.executeUpdate();
            }
        }
        return r;
    }

    private InsertResult insert(Connection c, Dataset d, List<Example> batch, List<String> json, List<Long> hashes,
                                boolean lookUp) throws SQLException {
        Set<Long> existing = lookUp ? existingHashes(c, d.id(), hashes) : new HashSet<>();
        long seq = nextSeq(c, d);
        long id = maxId(c);
        List<Example> inserted = new ArrayList<>();
        int duplicates = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO example(id, dataset_id, seq, content_hash, "
                + "category, status, harm_category, source_file, source_line, tags, metadata, messages, preview, "
                + "text_length, image_count, tools, rejected) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (int i = 0; i < batch.size(); i++) {
                Example e = batch.get(i);
                if (!existing.add(hashes.get(i))) {
                    duplicates++;
                    continue;
                }
                ps.setLong(1, ++id);
                ps.setLong(2, d.id());
                ps.setLong(3, seq++);
                ps.setLong(4, hashes.get(i));
                ps.setString(5, e.category().name());
                ps.setString(6, e.status().name());
                ps.setString(7, e.harmCategory());
                ps.setString(8, truncate(e.source().file(), 1000));
                ps.setLong(9, e.source().line());
                ps.setString(10, e.tags().isEmpty() ? "[]" : json(new ArrayList<>(e.tags())));
                ps.setString(11, e.metadata().isEmpty() ? "{}" : json(e.metadata()));
                ps.setString(12, json.get(i));
                ps.setString(13, truncate(preview(e), 300));
                ps.setInt(14, e.textLength());
                ps.setInt(15, e.imageCount());
                ps.setString(16, e.tools());
                ps.setString(17, e.hasRejected() ? ExampleJson.messagesToJson(e.rejected()) : null);
                ps.addBatch();
                inserted.add(e.withId(id));
            }
            if (!inserted.isEmpty()) {
                try {
                    ps.executeBatch();
                } catch (java.sql.BatchUpdateException e) {
                    SQLException first = e.getNextException() != null ? e.getNextException() : e;
                    throw first.getErrorCode() == DUPLICATE_KEY ? first : e;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE dataset SET next_seq = ? WHERE id = ?")) {
            ps.setLong(1, seq);
            ps.setLong(2, d.id());
            ps.executeUpdate();
        }
        return new InsertResult(inserted, duplicates);
    }

    private static long nextSeq(Connection c, Dataset d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT next_seq FROM dataset WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, d.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("dataset " + d.name() + " no longer exists");
                }
                return rs.getLong(1);
            }
        }
    }

    private static long maxId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM example")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public Optional<Example> example(long id) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FULL_COLUMNS + " FROM example WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(fullExample(rs)) : Optional.<Example>empty();
                }
            }
        });
    }

    /**
     * The examples with the given ids grouped by their dataset's name, in id order within each (ids that do not
     * exist are left out). One query per thousand ids, for re-indexing many examples at once.
     */
    public Map<String, List<Example>> examplesByDataset(List<Long> ids) {
        Map<Long, String> names = new HashMap<>();
        datasets().forEach(ds -> names.put(ds.id(), ds.name()));
        Map<String, List<Example>> out = new LinkedHashMap<>();
        List<Long> sorted = ids.stream().sorted().toList();
        for (int from = 0; from < sorted.size(); from += 1000) {
            List<Long> chunk = sorted.subList(from, Math.min(sorted.size(), from + 1000));
            tx(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + FULL_COLUMNS + ", dataset_id FROM example "
                        + "WHERE id IN (" + placeholders(chunk.size()) + ") ORDER BY id")) {
                    setLongs(ps, 1, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.computeIfAbsent(names.getOrDefault(rs.getLong(AFTER_FULL), "?"),
                                    k -> new ArrayList<>()).add(fullExample(rs));
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    /** Every example id of a dataset, in import order. */
    public long[] exampleIds(Dataset d) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM example WHERE dataset_id = ? ORDER BY dataset_id, seq")) {
                ps.setLong(1, d.id());
                java.util.stream.LongStream.Builder ids = java.util.stream.LongStream.builder();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids.build().toArray();
            }
        });
    }

    /** The dataset id an example belongs to. */
    public Optional<Long> datasetOf(long exampleId) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT dataset_id FROM example WHERE id = ?")) {
                ps.setLong(1, exampleId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
            }
        });
    }

    /** Grid rows {@code [offset, offset+limit)} of a dataset in import order: an index range, fast at any depth. */
    public List<ExampleRow> page(Dataset d, long offset, int limit) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW_COLUMNS
                    + " FROM example WHERE dataset_id = ? AND seq >= ? AND seq < ? ORDER BY seq")) {
                ps.setLong(1, d.id());
                ps.setLong(2, offset);
                ps.setLong(3, offset + limit);
                return rows(ps);
            }
        });
    }

    /** Grid rows for the given ids, in the given order (ids that no longer exist are left out). */
    public List<ExampleRow> rows(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW_COLUMNS
                    + " FROM example WHERE id IN (" + placeholders(ids.size()) + ")")) {
                setLongs(ps, 1, ids);
                Map<Long, ExampleRow> byId = new HashMap<>();
                for (ExampleRow r : rows(ps)) {
                    byId.put(r.id(), r);
                }
                List<ExampleRow> out = new ArrayList<>(ids.size());
                for (Long id : ids) {
                    ExampleRow r = byId.get(id);
                    if (r != null) {
                        out.add(r);
                    }
                }
                return out;
            }
        });
    }

    /**
     * Streams a dataset's examples in import order, optionally only those with the given status.
     * Reads windows of positions, so each query is a bounded index range however large the dataset.
     *
     * @param progress told the number of positions read so far (of {@link #count(Dataset)}), or null
     */
    public void forEach(Dataset d, ReviewStatus onlyStatus, Consumer<Example> action, LongConsumer progress) {
        long end = count(d);
        String sql = "SELECT " + FULL_COLUMNS + " FROM example WHERE dataset_id = ? AND seq >= ? AND seq < ?"
                + (onlyStatus == null ? "" : " AND status = ?") + " ORDER BY dataset_id, seq";
        for (long from = 0; from < end; from += 2000) {
            final long lo = from;
            List<Example> chunk = tx(c -> {
                List<Example> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, d.id());
                    ps.setLong(2, lo);
                    ps.setLong(3, lo + 2000);
                    if (onlyStatus != null) {
                        ps.setString(4, onlyStatus.name());
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(fullExample(rs));
                        }
                    }
                }
                return out;
            });
            chunk.forEach(action);
            if (progress != null) {
                progress.accept(Math.min(end, from + 2000));
            }
        }
    }

    public void forEach(Dataset d, ReviewStatus onlyStatus, Consumer<Example> action) {
        forEach(d, onlyStatus, action, null);
    }

    /** Streams every example with id above {@code afterId}, with its dataset's name, in id order. */
    public void forEachAfter(long afterId, java.util.function.BiConsumer<String, Example> action) {
        Map<Long, String> names = new HashMap<>();
        datasets().forEach(ds -> names.put(ds.id(), ds.name()));
        long cursor = afterId;
        while (true) {
            final long from = cursor;
            List<Object[]> chunk = tx(c -> {
                List<Object[]> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT " + FULL_COLUMNS
                        + ", dataset_id FROM example WHERE id > ? ORDER BY id LIMIT 5000")) {
                    ps.setLong(1, from);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new Object[]{fullExample(rs), rs.getLong(AFTER_FULL)});
                        }
                    }
                }
                return out;
            });
            if (chunk.isEmpty()) {
                return;
            }
            for (Object[] o : chunk) {
                Example e = (Example) o[0];
                action.accept(names.getOrDefault((Long) o[1], "?"), e);
                cursor = e.id();
            }
        }
    }

    public long maxExampleId() {
        return tx(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM example")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    public long totalExamples() {
        return tx(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM example")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Sets the review status and marks the example for re-indexing, in one transaction. */
    public Example setStatus(long id, ReviewStatus status) {
        return updateReview(id, "status", status.name());
    }

    /** Sets the category (after the caller has checked its shape) and marks the example for re-indexing. */
    public Example setCategory(long id, Category category, String harmCategory) {
        tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE example SET category = ?, harm_category = ? WHERE id = ?")) {
                ps.setString(1, category.name());
                ps.setString(2, harmCategory);
                ps.setLong(3, id);
                if (ps.executeUpdate() == 0) {
                    throw new IllegalArgumentException("no example with id " + id);
                }
            }
            markDirty(c, id);
            return null;
        });
        return example(id).orElseThrow();
    }

    private Example updateReview(long id, String column, String value) {
        tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE example SET " + column + " = ? WHERE id = ?")) {
                ps.setString(1, value);
                ps.setLong(2, id);
                if (ps.executeUpdate() == 0) {
                    throw new IllegalArgumentException("no example with id " + id);
                }
            }
            markDirty(c, id);
            return null;
        });
        return example(id).orElseThrow();
    }

    private static void markDirty(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO index_dirty(example_id) KEY(example_id) VALUES (?)")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** Examples changed since the index last committed them. */
    public List<Long> dirtyIds() {
        return tx(c -> {
            List<Long> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT example_id FROM index_dirty")) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
    }

    public void clearDirty(List<Long> ids) {
        for (int from = 0; from < ids.size(); from += 1000) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
            tx(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM index_dirty WHERE example_id IN ("
                        + placeholders(chunk.size()) + ")")) {
                    setLongs(ps, 1, chunk);
                    ps.executeUpdate();
                }
                return null;
            });
        }
    }

    // ---- import jobs -------------------------------------------------------------------------------------------

    public long startImport(Dataset d, String fileName) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO import_job(dataset_id, file_name, state, "
                    + "started_at) VALUES (?, ?, 'RUNNING', ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, d.id());
                ps.setString(2, truncate(fileName, 1000));
                ps.setTimestamp(3, Timestamp.from(Instant.now()));
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    public void addProblems(long jobId, List<dev.chameleon.workbench.curation.io.ImportProblem> problems) {
        if (problems.isEmpty()) {
            return;
        }
        tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO import_problem(job_id, file, line, reason) VALUES (?,?,?,?)")) {
                for (var p : problems) {
                    ps.setLong(1, jobId);
                    ps.setString(2, truncate(p.file(), 1000));
                    ps.setLong(3, p.line());
                    ps.setString(4, truncate(p.reason(), 4000));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE import_job SET problems = problems + ? WHERE id = ?")) {
                ps.setLong(1, problems.size());
                ps.setLong(2, jobId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Marks every import still RUNNING as INTERRUPTED: called on open, when no import can be running (the
     * database admits one process), so these are imports whose process was killed. Their counts are what was
     * stored (each batch adds to them in its own transaction) and records is their sum.
     *
     * @return how many imports were marked
     */
    public int markInterruptedImports() {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE import_job SET state = 'INTERRUPTED', "
                    + "records = imported + duplicates + problems, finished_at = ? WHERE state = 'RUNNING'")) {
                ps.setTimestamp(1, Timestamp.from(Instant.now()));
                return ps.executeUpdate();
            }
        });
    }

    /** One import as the history records it. */
    public Optional<ImportJob> importJob(long jobId) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT j.id, d.name, j.file_name, j.format, j.state, "
                    + "j.records, j.imported, j.duplicates, j.problems, j.started_at, j.finished_at "
                    + "FROM import_job j JOIN dataset d ON d.id = j.dataset_id WHERE j.id = ?")) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<ImportJob>empty();
                    }
                    Timestamp finished = rs.getTimestamp(11);
                    return Optional.of(new ImportJob(rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                            rs.getLong(9), rs.getTimestamp(10).toInstant(),
                            finished == null ? null : finished.toInstant()));
                }
            }
        });
    }

    /**
     * An import in the workspace history.
     *
     * @param state RUNNING, DONE, FAILED, CANCELLED, or INTERRUPTED (its process died; counts are what was stored)
     */
    public record ImportJob(long id, String dataset, String file, String format, String state, long records,
                            long imported, long duplicates, long problems, Instant startedAt, Instant finishedAt) {
    }

    public void finishImport(long jobId, String state, String format, long records, long imported, long duplicates,
                             long problems) {
        tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE import_job SET state = ?, format = ?, records = ?, "
                    + "imported = ?, duplicates = ?, problems = ?, finished_at = ? WHERE id = ?")) {
                ps.setString(1, state);
                ps.setString(2, format);
                ps.setLong(3, records);
                ps.setLong(4, imported);
                ps.setLong(5, duplicates);
                ps.setLong(6, problems);
                ps.setTimestamp(7, Timestamp.from(Instant.now()));
                ps.setLong(8, jobId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public List<dev.chameleon.workbench.curation.io.ImportProblem> problems(long jobId) {
        return tx(c -> {
            List<dev.chameleon.workbench.curation.io.ImportProblem> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT file, line, reason FROM import_problem WHERE job_id = ? ORDER BY id")) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new dev.chameleon.workbench.curation.io.ImportProblem(rs.getString(1), rs.getLong(2),
                                rs.getString(3)));
                    }
                }
            }
            return out;
        });
    }

    // ---- snapshots ---------------------------------------------------------------------------------------------

    public int nextSnapshotVersion(Dataset d) {
        return tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM snapshot WHERE dataset_id = ?")) {
                ps.setLong(1, d.id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    public void recordSnapshot(Dataset d, int version, String path, String hash, long examples) {
        tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO snapshot(dataset_id, version, path, "
                    + "content_hash, examples, created_at) VALUES (?,?,?,?,?,?)")) {
                ps.setLong(1, d.id());
                ps.setInt(2, version);
                ps.setString(3, path);
                ps.setString(4, hash);
                ps.setLong(5, examples);
                ps.setTimestamp(6, Timestamp.from(Instant.now()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Snapshots of a dataset as (version, path, hash, examples), newest first. */
    public List<SnapshotRecord> snapshots(Dataset d) {
        return tx(c -> {
            List<SnapshotRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT version, path, content_hash, examples, created_at "
                    + "FROM snapshot WHERE dataset_id = ? ORDER BY version DESC")) {
                ps.setLong(1, d.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SnapshotRecord(d.name(), rs.getInt(1), rs.getString(2), rs.getString(3),
                                rs.getLong(4), rs.getTimestamp(5).toInstant()));
                    }
                }
            }
            return out;
        });
    }

    /** A frozen snapshot as the database records it. */
    public record SnapshotRecord(String dataset, int version, String path, String contentHash, long examples,
                                 Instant createdAt) {
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /**
     * The hash that identifies an example within a dataset: the first 8 bytes of the SHA-256 of its canonical
     * messages JSON, followed by its tool schema and rejected answer when it has them. Two different examples
     * share one with odds of about 1 in 10^7 in a dataset of a billion examples; a long compares far faster than
     * a byte array in the index.
     *
     * <p>Tools and the rejected answer are part of what is trained on (the tool schema is rendered into the
     * sequence; a preference pair is defined by both answers), so the same conversation with another schema or
     * another rejected answer is a different example, not a duplicate. They are hashed only when present, so an
     * example without them hashes exactly as before they existed and re-importing older files still finds their
     * duplicates. Review fields (status, category, tags) and free metadata are not content and stay out.
     */
    public static long contentHash(Example e) {
        return contentHash(ExampleJson.messagesToJson(e.messages()), e);
    }

    private static long contentHash(String messagesJson, Example e) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(messagesJson.getBytes(StandardCharsets.UTF_8));
            if (e.tools() != null) {
                md.update("\0tools:".getBytes(StandardCharsets.UTF_8));
                md.update(e.tools().getBytes(StandardCharsets.UTF_8));
            }
            if (e.hasRejected()) {
                md.update("\0rejected:".getBytes(StandardCharsets.UTF_8));
                md.update(ExampleJson.messagesToJson(e.rejected()).getBytes(StandardCharsets.UTF_8));
            }
            byte[] full = md.digest();
            return java.nio.ByteBuffer.wrap(full).getLong();
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Set<Long> existingHashes(Connection c, long datasetId, List<Long> hashes) throws SQLException {
        Set<Long> out = new HashSet<>();
        // An IN list of placeholders is answered from the (content_hash, dataset_id) index; "= ANY(array)" is not.
        try (PreparedStatement ps = c.prepareStatement("SELECT content_hash FROM example WHERE dataset_id = ? "
                + "AND content_hash IN (" + placeholders(hashes.size()) + ")")) {
            ps.setLong(1, datasetId);
            setLongs(ps, 2, hashes);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    static String placeholders(int n) {
        StringBuilder sb = new StringBuilder(n * 2);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "?" : ",?");
        }
        return sb.toString();
    }

    static void setLongs(PreparedStatement ps, int from, List<Long> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            ps.setLong(from + i, values.get(i));
        }
    }

    private static String preview(Example e) {
        String p = e.prompt().replace('\n', ' ').strip();
        return p.isEmpty() ? "(image)" : p;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** The characters a set of tags takes in the store (see {@link #MAX_TAGS_CHARS}). */
    public static int tagsLength(Set<String> tags) {
        return tags.isEmpty() ? 2 : json(new ArrayList<>(tags)).length();
    }

    static String json(Object o) {
        try {
            return ExampleJson.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An example from a result set whose first columns are {@link #FULL_COLUMNS}. */
    static Example fullExample(ResultSet rs) throws SQLException {
        try {
            List<String> tags = ExampleJson.MAPPER.readValue(rs.getString(7), STRING_LIST);
            Map<String, String> meta = ExampleJson.MAPPER.readValue(rs.getString(8), STRING_MAP);
            String rejected = rs.getString(11);
            return new Example(rs.getLong(1), ExampleJson.messagesFromJson(rs.getString(9)),
                    Category.valueOf(rs.getString(2)), new Source(rs.getString(5), rs.getLong(6)),
                    new LinkedHashSet<>(tags), ReviewStatus.valueOf(rs.getString(3)), rs.getString(4), meta,
                    rs.getString(10), rejected == null ? List.of() : ExampleJson.messagesFromJson(rejected));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("example " + rs.getLong(1) + " has unreadable stored JSON", e);
        }
    }

    private static List<ExampleRow> rows(PreparedStatement ps) throws SQLException {
        List<ExampleRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String tags = rs.getString(9);
                out.add(new ExampleRow(rs.getLong(1), rs.getLong(2), Category.valueOf(rs.getString(3)),
                        ReviewStatus.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getInt(7),
                        rs.getInt(8), tags.equals("[]") ? "" : tags.substring(1, tags.length() - 1).replace("\"", ""),
                        rs.getString(10) + ":" + rs.getLong(11)));
            }
        }
        return out;
    }

    private static Optional<Dataset> dataset(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + DATASET_COLUMNS + " FROM dataset WHERE name = ?")) {
            ps.setString(1, name);
            return one(ps);
        }
    }

    private static Optional<Dataset> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(datasetRow(rs)) : Optional.empty();
        }
    }

    private static Dataset datasetRow(ResultSet rs) throws SQLException {
        return new Dataset(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                DatasetKind.valueOf(rs.getString(4)));
    }

    static String validName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}")) {
            throw new IllegalArgumentException("dataset name '" + name + "' is not allowed; use letters, digits, "
                    + "'.', '_' and '-' (starting with a letter or digit, at most 200 characters)");
        }
        return name;
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs work in one transaction: committed if it returns, rolled back if it throws. */
    <T> T tx(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database error: " + e.getMessage(), e);
        }
    }
}
