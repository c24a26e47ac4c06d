package dev.chameleon.workbench.curation.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code snapshot} table: the frozen versions of each dataset. */
final class SnapshotRepository {

    private final Database db;

    SnapshotRepository(Database db) {
        this.db = db;
    }

    int nextVersion(Dataset d) {
        return db.tx(c -> {
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

    void record(Dataset d, int version, String path, String hash, long examples) {
        db.tx(c -> {
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

    /** Snapshots of a dataset, newest first. */
    List<SnapshotRecord> of(Dataset d) {
        return db.tx(c -> {
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
}
