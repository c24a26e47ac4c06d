package dev.chameleon.workbench.curation.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code index_dirty} table: examples changed since the search index last committed them.
 *
 * <p>A review change marks its example in the same transaction as the change, so the index catches up after a
 * crash; the index clears the marks once it has committed the examples again.
 */
final class IndexDirtyLog {

    private final Database db;

    IndexDirtyLog(Database db) {
        this.db = db;
    }

    /** Marks an example for re-indexing, inside the caller's transaction. */
    static void mark(Connection c, long exampleId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO index_dirty(example_id) KEY(example_id) VALUES (?)")) {
            ps.setLong(1, exampleId);
            ps.executeUpdate();
        }
    }

    List<Long> ids() {
        return db.tx(c -> {
            List<Long> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT example_id FROM index_dirty")) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
    }

    void clear(List<Long> ids) {
        for (int from = 0; from < ids.size(); from += 1000) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
            db.tx(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM index_dirty WHERE example_id IN ("
                        + Database.placeholders(chunk.size()) + ")")) {
                    Database.setLongs(ps, 1, chunk);
                    ps.executeUpdate();
                }
                return null;
            });
        }
    }
}
