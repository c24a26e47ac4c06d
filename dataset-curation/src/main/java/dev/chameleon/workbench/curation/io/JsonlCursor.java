package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.io.InputStream;

/**
 * JSON Lines: one object a line, parsed straight from the line's bytes; a bad line is one problem, not the end.
 * Anything after the object on its line (a second object, stray text) makes the line bad.
 */
final class JsonlCursor extends JsonCursor {

    private final LineReader lines;
    private final ObjectReader json;
    private final int maxChars;

    JsonlCursor(InputStream in, ObjectMapper mapper, int maxChars) {
        this.lines = new LineReader(in, maxChars);
        this.json = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.maxChars = maxChars;
    }

    @Override
    boolean next() throws IOException {
        clear();
        while (lines.next()) {
            line = lines.lineNo();
            if (lines.tooLong()) {
                problem = "line " + line + " is longer than " + maxChars + " characters, the limit for one record; "
                        + "shorten the record or raise the record size limit";
                return true;
            }
            if (lines.isBlank()) {
                continue;
            }
            try {
                JsonNode n = json.readTree(lines.bytes(), 0, lines.length());
                if (n != null && n.isObject()) {
                    node = n;
                } else {
                    problem = "line " + line + " is not a JSON object; each line of a JSONL file must be one {...} record";
                }
            } catch (JsonProcessingException e) {
                String limit = limit(e, maxChars);
                if (limit != null) {
                    problem = "line " + line + " " + limit + "; fix or delete the line";
                    return true;
                }
                JsonLocation at = e.getLocation();
                problem = "line " + line + " is not valid JSON" + (at == null ? "" : " (column " + at.getColumnNr() + ")")
                        + ": " + e.getOriginalMessage() + "; fix or delete the line";
            }
            return true;
        }
        return false;
    }
}
