package dev.chameleon.workbench.curation.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.model.Source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.LongStream;

import static dev.chameleon.workbench.curation.store.Database.json;
import static dev.chameleon.workbench.curation.store.Database.placeholders;
import static dev.chameleon.workbench.curation.store.Database.setLongs;
import static dev.chameleon.workbench.curation.store.Database.truncate;

/**
 * The {@code example} table: inserting examples without duplicates, reading them (whole, as grid rows, streamed)
 * and changing their review fields one at a time.
 *
 * <p>Examples are unique per dataset by the hash of their conversation ({@link #contentHash(Example)}), so
 * importing the same file twice adds nothing the second time. Each example has a position ({@code seq}) in its
 * dataset, handed out in import order, so a page or a window of the dataset is an index range at any depth.
 */
final class ExampleRepository {

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
    private static final int DUPLICATE_KEY = 23505;

    private final Database db;
    private final DatasetRepository datasets;
    /** Datasets whose last batch held duplicates of stored examples. */
    private final Set<Long> checkFirst = new HashSet<>();

    ExampleRepository(Database db, DatasetRepository datasets) {
        this.db = db;
        this.datasets = datasets;
    }

    // ---- insert ------------------------------------------------------------------------------------------------

    /**
     * Stores the examples that the dataset does not hold yet (by conversation hash), in one transaction, adding
     * the batch's counts to an import job in the same transaction, so the job's counts are what is stored even if
     * the process dies before the import ends. Duplicates within the batch are skipped too.
     *
     * @param jobId the import job, or 0 for none
     */
    InsertResult insert(Dataset d, List<Example> batch, long jobId) {
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
                    return db.tx(c -> countedInsert(c, d, batch, json, hashes, false, jobId));
                } catch (IllegalStateException e) {
                    if (!(e.getCause() instanceof SQLException sql) || sql.getErrorCode() != DUPLICATE_KEY) {
                        throw e;
                    }
                    checkFirst.add(d.id());
                }
            }
            InsertResult r = db.tx(c -> countedInsert(c, d, batch, json, hashes, true, jobId));
            if (r.duplicates() == 0) {
                checkFirst.remove(d.id());
            }
            return r;
        }
    }

    private InsertResult countedInsert(Connection c, Dataset d, List<Example> batch, List<String> json,
                                       List<Long> hashes, boolean lookUp, long jobId) throws SQLException {
        InsertResult r = insert(c, d, batch, json, hashes, lookUp);
        if (jobId > 0) {
            ImportJobRepository.addCounts(c, jobId, r.inserted().size(), r.duplicates());
        }
        return r;
    }

    private InsertResult insert(Connection c, Dataset d, List<Example> batch, List<String> json, List<Long> hashes,
                                boolean lookUp) throws SQLException {
        Set<Long> existing = lookUp ? existingHashes(c, d.id(), hashes) : new HashSet<>();
        long seq = DatasetRepository.nextSeq(c, d);
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
                } catch (BatchUpdateException e) {
                    SQLException first = e.getNextException() != null ? e.getNextException() : e;
                    throw first.getErrorCode() == DUPLICATE_KEY ? first : e;
                }
            }
        }
        DatasetRepository.setNextSeq(c, d, seq);
        return new InsertResult(inserted, duplicates);
    }

    private static long maxId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM example")) {
            rs.next();
            return rs.getLong(1);
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

    // ---- read --------------------------------------------------------------------------------------------------

    Optional<Example> byId(long id) {
        return db.tx(c -> {
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
    Map<String, List<Example>> byDataset(List<Long> ids) {
        Map<Long, String> names = datasetNames();
        Map<String, List<Example>> out = new LinkedHashMap<>();
        List<Long> sorted = ids.stream().sorted().toList();
        for (int from = 0; from < sorted.size(); from += 1000) {
            List<Long> chunk = sorted.subList(from, Math.min(sorted.size(), from + 1000));
            db.tx(c -> {
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
    long[] ids(Dataset d) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM example WHERE dataset_id = ? ORDER BY dataset_id, seq")) {
                ps.setLong(1, d.id());
                LongStream.Builder ids = LongStream.builder();
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
    Optional<Long> datasetOf(long exampleId) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT dataset_id FROM example WHERE id = ?")) {
                ps.setLong(1, exampleId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
            }
        });
    }

    /** Grid rows {@code [offset, offset+limit)} of a dataset in import order: an index range, fast at any depth. */
    List<ExampleRow> page(Dataset d, long offset, int limit) {
        return db.tx(c -> {
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
    List<ExampleRow> rows(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return db.tx(c -> {
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
     * @param progress told the number of positions read so far (of {@link DatasetRepository#count(Dataset)}), or null
     */
    void forEach(Dataset d, ReviewStatus onlyStatus, Consumer<Example> action, LongConsumer progress) {
        long end = datasets.count(d);
        String sql = "SELECT " + FULL_COLUMNS + " FROM example WHERE dataset_id = ? AND seq >= ? AND seq < ?"
                + (onlyStatus == null ? "" : " AND status = ?") + " ORDER BY dataset_id, seq";
        for (long from = 0; from < end; from += 2000) {
            final long lo = from;
            List<Example> chunk = db.tx(c -> {
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

    /** Streams every example with id above {@code afterId}, with its dataset's name, in id order. */
    void forEachAfter(long afterId, BiConsumer<String, Example> action) {
        Map<Long, String> names = datasetNames();
        long cursor = afterId;
        while (true) {
            final long from = cursor;
            List<Object[]> chunk = db.tx(c -> {
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

    long maxId() {
        return db.tx(c -> maxId(c));
    }

    long total() {
        return db.tx(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM example")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private Map<Long, String> datasetNames() {
        Map<Long, String> names = new HashMap<>();
        datasets.all().forEach(ds -> names.put(ds.id(), ds.name()));
        return names;
    }

    // ---- review ------------------------------------------------------------------------------------------------

    /** Sets the review status and marks the example for re-indexing, in one transaction. */
    Example setStatus(long id, ReviewStatus status) {
        return updateReview(id, "status", status.name());
    }

    /** Sets the category (after the caller has checked its shape) and marks the example for re-indexing. */
    Example setCategory(long id, Category category, String harmCategory) {
        db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE example SET category = ?, harm_category = ? WHERE id = ?")) {
                ps.setString(1, category.name());
                ps.setString(2, harmCategory);
                ps.setLong(3, id);
                if (ps.executeUpdate() == 0) {
                    throw new IllegalArgumentException("no example with id " + id);
                }
            }
            IndexDirtyLog.mark(c, id);
            return null;
        });
        return byId(id).orElseThrow();
    }

    private Example updateReview(long id, String column, String value) {
        db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE example SET " + column + " = ? WHERE id = ?")) {
                ps.setString(1, value);
                ps.setLong(2, id);
                if (ps.executeUpdate() == 0) {
                    throw new IllegalArgumentException("no example with id " + id);
                }
            }
            IndexDirtyLog.mark(c, id);
            return null;
        });
        return byId(id).orElseThrow();
    }

    // ---- rows and hashes ---------------------------------------------------------------------------------------

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
    static long contentHash(Example e) {
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

    private static String preview(Example e) {
        String p = e.prompt().replace('\n', ' ').strip();
        return p.isEmpty() ? "(image)" : p;
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
}
