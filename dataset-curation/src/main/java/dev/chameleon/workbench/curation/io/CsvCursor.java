package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Delimited text with a header row (CSV, TSV, semicolon-separated), read row by row with Jackson's CSV parser:
 * each row becomes a record of header name to cell, so it goes through the same format detection and column
 * mapping as a JSON record.
 *
 * <p>The delimiter is the one of {@code ,} {@code ;} and tab that the header line uses most (outside quotes).
 * Quoted cells may span lines; a UTF-8 byte order mark is skipped. Empty cells are left out of the record (a CSV
 * cannot tell an empty answer from none). A row with more or fewer cells than the header is one problem (a
 * delimiter mixed in, a quote missing); broken quoting stops the file, since the parser cannot find the next row
 * after it. Cells that a spreadsheet would run as a formula ({@code = + - @} first) are kept as plain text and
 * listed in the record's {@link #annotations()} as {@code formula_like_cells}, so exporters can escape them.
 */
final class CsvCursor extends JsonCursor {

    /** The metadata key naming the columns whose cell looks like a spreadsheet formula. */
    static final String FORMULA_CELLS = "formula_like_cells";

    private static final char[] DELIMITERS = {',', ';', '\t'};

    private final CsvParser parser;
    private final char delimiter;
    private List<String> header;
    private boolean opened;
    private boolean done;
    private long rowLine;
    private Map<String, String> annotations = Map.of();

    CsvCursor(InputStream in, int maxChars) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        this.delimiter = delimiter(reader);
        CsvFactory factory = CsvFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Math.max(maxChars, 1)).build())
                .build();
        this.parser = factory.createParser(reader);
        parser.setSchema(CsvSchema.emptySchema().withColumnSeparator(delimiter));
        parser.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    }

    /** The delimiter in use, for messages. */
    String delimiterName() {
        return delimiter == '\t' ? "tab" : "'" + delimiter + "'";
    }

    /** Metadata the current record's examples get: the columns of formula-like cells, if any. */
    @Override
    Map<String, String> annotations() {
        return annotations;
    }

    @Override
    boolean next() throws IOException {
        clear();
        annotations = Map.of();
        if (done) {
            return false;
        }
        try {
            if (header == null && !readHeader()) {
                return problem != null;
            }
            List<String> cells;
            do {
                cells = row();
                if (cells == null) {
                    done = true;
                    return false;
                }
            } while (cells.size() == 1 && cells.get(0).isEmpty());
            line = rowLine;
            if (cells.size() != header.size()) {
                problem = "line " + line + " has " + cells.size() + " cell" + (cells.size() == 1 ? "" : "s")
                        + " but the header has " + header.size() + " columns (delimiter " + delimiterName()
                        + "); use one delimiter throughout and quote cells that contain it";
                return true;
            }
            ObjectNode rec = JsonNodeFactory.instance.objectNode();
            Set<String> formulas = new LinkedHashSet<>();
            for (int i = 0; i < cells.size(); i++) {
                String cell = cells.get(i);
                if (!cell.isEmpty()) {
                    rec.put(header.get(i), cell);
                    if (formulaLike(cell)) {
                        formulas.add(header.get(i));
                    }
                }
            }
            if (!formulas.isEmpty()) {
                annotations = Map.of(FORMULA_CELLS, String.join(",", formulas));
            }
            node = rec;
            return true;
        } catch (JsonProcessingException e) {
            done = true;
            fatal = true;
            line = rowLine > 0 ? rowLine : Math.max(1, line);
            String why = e.getOriginalMessage() != null && e.getOriginalMessage().contains("closing quote")
                    ? "a quoted cell of the row at line " + line + " is never closed"
                    : "broken quoting in the row at line " + line + " (text after a closing quote, or a stray quote)";
            problem = why + "; reading of this file stopped here: fix the quoting (a quote inside a quoted cell is "
                    + "written twice: \"\")";
            return true;
        }
    }

    /** Reads the header row; false (with a problem set, or none for an empty input) when there is none usable. */
    private boolean readHeader() throws IOException {
        List<String> names = row();
        if (names == null) {
            done = true;
            return false;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i).strip();
            if (n.isEmpty() || !seen.add(n)) {
                done = true;
                fatal = true;
                line = rowLine;
                problem = "the header row (line " + rowLine + ") has " + (n.isEmpty() ? "an empty name in column "
                        + (i + 1) : "the name '" + n + "' twice") + "; the first line must name every column once";
                return false;
            }
        }
        header = List.copyOf(seen);
        return true;
    }

    /** The next row's cells, or null at the end; {@link #rowLine} is where it starts. */
    private List<String> row() throws IOException {
        JsonToken t = parser.nextToken();
        if (!opened) {
            // Read as arrays, the rows come wrapped in one outer array.
            opened = true;
            t = t == JsonToken.START_ARRAY ? parser.nextToken() : t;
        }
        if (t != JsonToken.START_ARRAY) {
            return null;
        }
        List<String> cells = new ArrayList<>();
        rowLine = -1;
        while ((t = parser.nextToken()) == JsonToken.VALUE_STRING) {
            if (rowLine < 0) {
                rowLine = parser.currentTokenLocation().getLineNr();
            }
            cells.add(parser.getText());
        }
        return cells;
    }

    /** A cell a spreadsheet would evaluate: = + - @ first, unless it is a plain number like -3 or +1.5. */
    static boolean formulaLike(String cell) {
        char c = cell.charAt(0);
        if (c != '=' && c != '+' && c != '-' && c != '@') {
            return false;
        }
        return !cell.strip().matches("[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
    }

    /** The delimiter the header line uses most outside quotes; ',' when it uses none. */
    private static char delimiter(BufferedReader reader) throws IOException {
        reader.mark(1 << 16);
        char[] buf = new char[1 << 16];
        int n = reader.read(buf, 0, buf.length);
        reader.reset();
        int[] counts = new int[DELIMITERS.length];
        boolean quoted = false;
        for (int i = 0; i < n; i++) {
            char c = buf[i];
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            } else if (!quoted) {
                for (int d = 0; d < DELIMITERS.length; d++) {
                    if (c == DELIMITERS[d]) {
                        counts[d]++;
                    }
                }
            }
        }
        int best = 0;
        for (int d = 1; d < DELIMITERS.length; d++) {
            if (counts[d] > counts[best]) {
                best = d;
            }
        }
        return DELIMITERS[best];
    }
}
