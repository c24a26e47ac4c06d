package dev.chameleon.workbench.curation.store;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.ReviewStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code dataset} table: named datasets, their kind and their counts. */
final class DatasetRepository {

    private static final String DATASET_COLUMNS = "id, name, created_at, kind";

    private final Database db;

    DatasetRepository(Database db) {
        this.db = db;
    }

    /**
     * The dataset of that name, created with the given kind if new.
     *
     * @throws IllegalArgumentException when the dataset exists with another kind (SFT data into a prompt set or
     *                                  the reverse), naming both kinds and the fix
     */
    Dataset create(String name, DatasetKind kind) {
        String n = validName(name);
        return db.tx(c -> {
            Optional<Dataset> existing = byName(c, n);
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

    Optional<Dataset> byName(String name) {
        return db.tx(c -> byName(c, name));
    }

    Optional<Dataset> byId(long id) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DATASET_COLUMNS + " FROM dataset WHERE id = ?")) {
                ps.setLong(1, id);
                return one(ps);
            }
        });
    }

    /** The dataset by name, or an error listing the datasets that exist. */
    Dataset require(String name) {
        return byName(name).orElseThrow(() -> new IllegalArgumentException("no dataset named '" + name
                + "'; datasets in this workspace: " + all().stream().map(Dataset::name).toList()));
    }

    List<Dataset> all() {
        return db.tx(c -> {
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

    DatasetSummary summary(Dataset d) {
        return db.tx(c -> {
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

    /** The positions handed out so far: the examples ever stored in the dataset. */
    long count(Dataset d) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT next_seq FROM dataset WHERE id = ?")) {
                ps.setLong(1, d.id());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** The next free position in the dataset, locking its row until the transaction ends. */
    static long nextSeq(Connection c, Dataset d) throws SQLException {
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

    static void setNextSeq(Connection c, Dataset d, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE dataset SET next_seq = ? WHERE id = ?")) {
            ps.setLong(1, seq);
            ps.setLong(2, d.id());
            ps.executeUpdate();
        }
    }

    private static Optional<Dataset> byName(Connection c, String name) throws SQLException {
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
}
