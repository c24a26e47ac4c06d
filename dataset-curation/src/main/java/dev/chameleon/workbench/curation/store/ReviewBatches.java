package dev.chameleon.workbench.curation.store;

import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.review.BulkReview;
import dev.chameleon.workbench.curation.review.BulkUndo;
import dev.chameleon.workbench.curation.review.Outcome;
import dev.chameleon.workbench.curation.review.ReviewAction;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Bulk review in the database: one action over many examples as one transaction, with every changed example's
 * previous review fields kept in {@code review_batch_item} so that an undo (also one transaction, also after a
 * restart) puts them back.
 *
 * <p>Work is set-based: ids go in chunks of {@value #CHUNK} as an IN list (answered from the primary key), a
 * status change is an INSERT ... SELECT of the before-values per chunk and then one MERGE over them, and an undo
 * is a single MERGE. Changed examples are marked in {@code index_dirty}, so the search index catches up even after a crash.
 */
public final class ReviewBatches {

    private static final int CHUNK = 1000;
    private static final String ITEM_COLUMNS = "status, category, harm_category, tags";

    private final Database db;

    public ReviewBatches(ExampleStore store) {
        this.db = store.database();
    }

    /** Sets a status on every id of the dataset that does not have it yet. */
    public BulkReview setStatus(Dataset d, String query, long[] ids, ReviewAction action) {
        long t0 = System.nanoTime();
        String status = action.status().name();
        long[] changed = {0};
        long batch = db.tx(c -> {
            long id = newBatch(c, d, action, query, ids.length);
            try (PreparedStatement before = c.prepareStatement("INSERT INTO review_batch_item(batch_id, example_id, "
                    + ITEM_COLUMNS + ") SELECT ?, id, " + ITEM_COLUMNS + " FROM example WHERE dataset_id = ? "
                    + "AND status <> ? AND id IN (" + Database.placeholders(CHUNK) + ")")) {
                for (int from = 0; from < ids.length; from += CHUNK) {
                    long[] chunk = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + CHUNK));
                    before.setLong(1, id);
                    before.setLong(2, d.id());
                    before.setString(3, status);
                    setChunk(before, 4, chunk);
                    changed[0] += before.executeUpdate();
                }
            }
            // The items now name exactly the examples to change: one statement changes them all.
            try (PreparedStatement update = c.prepareStatement("MERGE INTO example e USING (SELECT example_id FROM "
                    + "review_batch_item WHERE batch_id = ?) i ON e.id = i.example_id WHEN MATCHED THEN UPDATE "
                    + "SET status = ?")) {
                update.setLong(1, id);
                update.setString(2, status);
                update.executeUpdate();
            }
            finish(c, id, changed[0], 0);
            return id;
        });
        return new BulkReview(batch, d.name(), action.describe(), ids.length, changed[0], ids.length - changed[0],
                Map.of(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Applies a change decided per example (re-categorising needs the conversation to check the shape rules;
     * adding a tag needs the tags): reads the examples in chunks, keeps the before-values of those that change and
     * writes their new status, category, harm category and tags.
     */
    public BulkReview apply(Dataset d, String query, long[] ids, ReviewAction action,
                            Function<Example, Outcome> decide) {
        long t0 = System.nanoTime();
        long[] counts = new long[2]; // changed, unchanged
        Map<String, Long> skipped = new TreeMap<>();
        long batch = db.tx(c -> {
            long id = newBatch(c, d, action, query, ids.length);
            try (PreparedStatement read = c.prepareStatement("SELECT " + ExampleRepository.FULL_COLUMNS
                    + " FROM example WHERE dataset_id = ? AND id IN (" + Database.placeholders(CHUNK) + ")");
                 PreparedStatement before = c.prepareStatement("INSERT INTO review_batch_item(batch_id, example_id, "
                         + ITEM_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)");
                 PreparedStatement update = c.prepareStatement("UPDATE example SET status = ?, category = ?, "
                         + "harm_category = ?, tags = ? WHERE id = ?")) {
                for (int from = 0; from < ids.length; from += CHUNK) {
                    long[] chunk = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + CHUNK));
                    read.setLong(1, d.id());
                    setChunk(read, 2, chunk);
                    List<Example> current = new ArrayList<>(chunk.length);
                    try (ResultSet rs = read.executeQuery()) {
                        while (rs.next()) {
                            current.add(ExampleRepository.fullExample(rs));
                        }
                    }
                    int pending = 0;
                    for (Example e : current) {
                        Outcome o = decide.apply(e);
                        if (o.skipReason() != null) {
                            skipped.merge(o.skipReason(), 1L, Long::sum);
                        } else if (o.updated() == null) {
                            counts[1]++;
                        } else {
                            before.setLong(1, id);
                            before.setLong(2, e.id());
                            setReviewFields(before, 3, e);
                            before.addBatch();
                            Example u = o.updated();
                            setReviewFields(update, 1, u);
                            update.setLong(5, e.id());
                            update.addBatch();
                            pending++;
                        }
                    }
                    if (pending > 0) {
                        before.executeBatch();
                        update.executeBatch();
                        counts[0] += pending;
                    }
                    counts[1] += chunk.length - current.size(); // ids no longer in the dataset
                }
            }
            finish(c, id, counts[0], skipped.values().stream().mapToLong(Long::longValue).sum());
            return id;
        });
        return new BulkReview(batch, d.name(), action.describe(), ids.length, counts[0], counts[1], skipped,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Restores the field the batch changed on every example it changed, as one transaction.
     *
     * @throws IllegalArgumentException when there is no such batch, it was undone already, or a later batch
     *                                  still in force changed the same field of some of its examples
     */
    public BulkUndo undo(long batchId) {
        long t0 = System.nanoTime();
        Object[] info = new Object[3];
        long restored = db.tx(c -> {
            String field;
            try (PreparedStatement ps = c.prepareStatement("SELECT b.field, b.undone_at, b.action, d.name "
                    + "FROM review_batch b JOIN dataset d ON d.id = b.dataset_id WHERE b.id = ? FOR UPDATE")) {
                ps.setLong(1, batchId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("no review batch " + batchId
                                + "; the batch id is printed by the bulk review that made it");
                    }
                    if (rs.getTimestamp(2) != null) {
                        throw new IllegalArgumentException("review batch " + batchId + " (" + rs.getString(3)
                                + " in '" + rs.getString(4) + "') was already undone at "
                                + rs.getTimestamp(2).toInstant());
                    }
                    field = rs.getString(1);
                    info[0] = rs.getString(4);
                    info[1] = rs.getString(3);
                }
            }
            long later = laterBatch(c, batchId, field);
            if (later > 0) {
                throw new IllegalArgumentException("review batch " + later + " changed the same examples after batch "
                        + batchId + "; undo batch " + later + " first");
            }
            String set = switch (ReviewAction.Field.valueOf(field)) {
                case STATUS -> "status = i.status";
                case CATEGORY -> "category = i.category, harm_category = i.harm_category";
                case TAGS -> "tags = i.tags";
            };
            long n;
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO example e USING (SELECT example_id, "
                    + ITEM_COLUMNS + " FROM review_batch_item WHERE batch_id = ?) i ON e.id = i.example_id "
                    + "WHEN MATCHED THEN UPDATE SET " + set)) {
                ps.setLong(1, batchId);
                n = ps.executeUpdate();
            }
            markDirty(c, batchId);
            try (PreparedStatement ps = c.prepareStatement("UPDATE review_batch SET undone_at = ? WHERE id = ?")) {
                ps.setTimestamp(1, Timestamp.from(Instant.now()));
                ps.setLong(2, batchId);
                ps.executeUpdate();
            }
            return n;
        });
        return new BulkUndo(batchId, (String) info[0], (String) info[1], restored, (System.nanoTime() - t0) / 1e9);
    }

    /** The examples a batch changed, in id order. */
    public List<Long> changedIds(long batchId) {
        return db.tx(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT example_id FROM review_batch_item WHERE batch_id = ? ORDER BY example_id")) {
                ps.setLong(1, batchId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    private static long newBatch(Connection c, Dataset d, ReviewAction action, String query, long matched)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO review_batch(dataset_id, action, field, query, "
                + "matched, changed, skipped, created_at) VALUES (?, ?, ?, ?, ?, 0, 0, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, d.id());
            ps.setString(2, action.describe());
            ps.setString(3, action.field().name());
            ps.setString(4, query == null ? "" : query.length() > 4000 ? query.substring(0, 4000) : query);
            ps.setLong(5, matched);
            ps.setTimestamp(6, Timestamp.from(Instant.now()));
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void finish(Connection c, long batchId, long changed, long skipped) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE review_batch SET changed = ?, skipped = ? WHERE id = ?")) {
            ps.setLong(1, changed);
            ps.setLong(2, skipped);
            ps.setLong(3, batchId);
            ps.executeUpdate();
        }
        markDirty(c, batchId);
    }

    /** Marks the batch's examples for re-indexing (replayed on open if the index never caught up). */
    private static void markDirty(Connection c, long batchId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO index_dirty(example_id) KEY(example_id) "
                + "SELECT example_id FROM review_batch_item WHERE batch_id = ?")) {
            ps.setLong(1, batchId);
            ps.executeUpdate();
        }
    }

    /** The first batch after this one, not undone, that changed the same field of one of its examples; else 0. */
    private static long laterBatch(Connection c, long batchId, String field) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(b.id) FROM review_batch b "
                + "JOIN review_batch_item i ON i.batch_id = b.id "
                + "JOIN review_batch_item mine ON mine.example_id = i.example_id AND mine.batch_id = ? "
                + "WHERE b.id > ? AND b.undone_at IS NULL AND b.field = ?")) {
            ps.setLong(1, batchId);
            ps.setLong(2, batchId);
            ps.setString(3, field);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void setReviewFields(PreparedStatement ps, int from, Example e) throws SQLException {
        ps.setString(from, e.status().name());
        ps.setString(from + 1, e.category().name());
        ps.setString(from + 2, e.harmCategory());
        ps.setString(from + 3, e.tags().isEmpty() ? "[]" : Database.json(new ArrayList<>(e.tags())));
    }

    /** Fills a chunk's IN list; a short last chunk repeats its last id (an IN list ignores repeats). */
    private static void setChunk(PreparedStatement ps, int from, long[] chunk) throws SQLException {
        for (int i = 0; i < CHUNK; i++) {
            ps.setLong(from + i, chunk[Math.min(i, chunk.length - 1)]);
        }
    }
}
