package dev.chameleon.workbench.curation.store;

import dev.chameleon.workbench.curation.io.ImportProblem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.chameleon.workbench.curation.store.Database.truncate;

/**
 * The {@code import_job} and {@code import_problem} tables: the import history, each job's counts and the records
 * it refused.
 */
final class ImportJobRepository {

    private final Database db;

    ImportJobRepository(Database db) {
        this.db = db;
    }

    long start(Dataset d, String fileName) {
        return db.tx(c -> {
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

    /** Adds a stored batch's counts to a job, inside the transaction that stored the batch. */
    static void addCounts(Connection c, long jobId, long imported, long duplicates) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE import_job SET imported = imported + ?, duplicates = duplicates + ? WHERE id = ?")) {
            ps.setLong(1, imported);
            ps.setLong(2, duplicates);
            ps.setLong(3, jobId);
            ps.executeUpdate();
        }
    }

    void addProblems(long jobId, List<ImportProblem> problems) {
        if (problems.isEmpty()) {
            return;
        }
        db.tx(c -> {
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
    int markInterrupted() {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE import_job SET state = 'INTERRUPTED', "
                    + "records = imported + duplicates + problems, finished_at = ? WHERE state = 'RUNNING'")) {
                ps.setTimestamp(1, Timestamp.from(Instant.now()));
                return ps.executeUpdate();
            }
        });
    }

    /** One import as the history records it. */
    Optional<ImportJob> byId(long jobId) {
        return db.tx(c -> {
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

    void finish(long jobId, String state, String format, long records, long imported, long duplicates,
                long problems) {
        db.tx(c -> {
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

    List<ImportProblem> problems(long jobId) {
        return db.tx(c -> {
            List<ImportProblem> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT file, line, reason FROM import_problem WHERE job_id = ? ORDER BY id")) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ImportProblem(rs.getString(1), rs.getLong(2), rs.getString(3)));
                    }
                }
            }
            return out;
        });
    }
}
