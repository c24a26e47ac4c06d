package dev.chameleon.workbench.curation.store;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.ReviewStatus;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Token counts of examples per tokenizer setup (table {@code token_count}), written by the trainer's renderer and
 * read by the curation views and the packer. A count is stored again (replaced) when put twice.
 */
public final class TokenCounts {

    /**
     * One example's counts under one tokenizer setup.
     *
     * @param tokenizerKey names the tokenizer and what else changes the counts, e.g. {@code "bpe-3f2a.../n1024"}
     */
    public record Row(long exampleId, String tokenizerKey, int tokens, int lossTokens, int imageTokens) {
        public Row {
            if (tokenizerKey == null || tokenizerKey.isBlank() || tokenizerKey.length() > 200) {
                throw new IllegalArgumentException("tokenizer key must be 1 to 200 characters, got '" + tokenizerKey
                        + "'");
            }
            if (tokens < 0 || lossTokens < 0 || imageTokens < 0 || lossTokens > tokens || imageTokens > tokens) {
                throw new IllegalArgumentException("example " + exampleId + ": counts must be non-negative and "
                        + "loss/image tokens at most the total, got tokens=" + tokens + " loss=" + lossTokens
                        + " image=" + imageTokens);
            }
        }
    }

    /** Counts added up over the counted examples of one category. */
    public record Totals(long examples, long tokens, long lossTokens, long imageTokens) {
    }

    private final DataSource db;

    public TokenCounts(DataSource db) {
        this.db = db;
    }

    /**
     * Stores (or replaces) counts in one transaction.
     *
     * @throws IllegalStateException when an example id does not exist (nothing of the batch is stored)
     */
    public void put(List<Row> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO token_count(example_id, tokenizer_key, tokens, "
                    + "loss_tokens, image_tokens) KEY (example_id, tokenizer_key) VALUES (?, ?, ?, ?, ?)")) {
                for (Row r : batch) {
                    ps.setLong(1, r.exampleId());
                    ps.setString(2, r.tokenizerKey());
                    ps.setInt(3, r.tokens());
                    ps.setInt(4, r.lossTokens());
                    ps.setInt(5, r.imageTokens());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store " + batch.size() + " token counts (is every example id "
                    + "stored?): " + e.getMessage(), e);
        }
    }

    /** One example's counts, if stored. */
    public Optional<Row> get(long exampleId, String tokenizerKey) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT tokens, loss_tokens, image_tokens FROM token_count "
                     + "WHERE example_id = ? AND tokenizer_key = ?")) {
            ps.setLong(1, exampleId);
            ps.setString(2, tokenizerKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Row(exampleId, tokenizerKey, rs.getInt(1), rs.getInt(2), rs.getInt(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read token counts: " + e.getMessage(), e);
        }
    }

    /** Totals per category over every counted example of the dataset (any review status). */
    public Map<Category, Totals> perCategory(Dataset dataset, String tokenizerKey) {
        return perCategory(dataset, tokenizerKey, null);
    }

    /**
     * Totals per category over the counted examples of the dataset with the given status (null: any). Examples
     * without counts for the key are left out; {@link Totals#examples()} says how many were counted.
     */
    public Map<Category, Totals> perCategory(Dataset dataset, String tokenizerKey, ReviewStatus onlyStatus) {
        String sql = "SELECT e.category, COUNT(*), SUM(t.tokens), SUM(t.loss_tokens), SUM(t.image_tokens) "
                + "FROM example e JOIN token_count t ON t.example_id = e.id "
                + "WHERE e.dataset_id = ? AND t.tokenizer_key = ?" + (onlyStatus != null ? " AND e.status = ?" : "")
                + " GROUP BY e.category";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, dataset.id());
            ps.setString(2, tokenizerKey);
            if (onlyStatus != null) {
                ps.setString(3, onlyStatus.name());
            }
            Map<Category, Totals> out = new EnumMap<>(Category.class);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(Category.valueOf(rs.getString(1)),
                            new Totals(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                }
            }
            return Collections.unmodifiableMap(out);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read token counts of dataset '" + dataset.name() + "': "
                    + e.getMessage(), e);
        }
    }
}
