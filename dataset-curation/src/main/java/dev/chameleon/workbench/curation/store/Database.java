package dev.chameleon.workbench.curation.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chameleon.workbench.curation.model.ExampleJson;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The workspace's H2 database: the connection pool, its Flyway migrations and short transactions.
 *
 * <p>The schema is created and migrated by Flyway from {@code db/migration}. Writes happen in short transactions;
 * a crash loses at most the batch in flight, never a committed one. The repositories of this package share one
 * instance and each keeps to its own tables.
 */
final class Database implements AutoCloseable {

    private final JdbcConnectionPool pool;

    private Database(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /** Opens (creating and migrating as needed) the database at {@code <dir>/workbench.mv.db}. */
    static Database open(Path dir) {
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
        return new Database(pool);
    }

    DataSource dataSource() {
        return pool;
    }

    /** Closes the pool; H2 closes the database cleanly when its last connection goes. */
    @Override
    public void close() {
        pool.dispose();
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

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    static String json(Object o) {
        try {
            return ExampleJson.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
