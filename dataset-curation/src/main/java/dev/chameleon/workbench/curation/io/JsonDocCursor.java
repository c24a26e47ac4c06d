package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;

/**
 * A JSON document read element by element with a streaming parser: a top-level array of records
 * ({@code [{...},{...}]}), or records written one after another (pretty-printed objects).
 *
 * <p>Only the current record is ever in memory. A syntax error stops the file: after one, a streaming parser
 * cannot find the next record boundary reliably.
 */
final class JsonDocCursor extends JsonCursor {

    private final JsonParser parser;
    private final ObjectMapper mapper;
    private final int maxChars;
    private boolean started;
    private boolean inArray;
    private boolean done;

    JsonDocCursor(InputStream in, ObjectMapper mapper, int maxChars) throws IOException {
        this.parser = mapper.getFactory().createParser(in);
        this.mapper = mapper;
        this.maxChars = maxChars;
    }

    @Override
    boolean next() throws IOException {
        clear();
        if (done) {
            return false;
        }
        try {
            JsonToken t = parser.nextToken();
            if (!started) {
                started = true;
                if (t == JsonToken.START_ARRAY) {
                    inArray = true;
                    t = parser.nextToken();
                }
            }
            if (t == null || (inArray && t == JsonToken.END_ARRAY)) {
                done = true;
                return false;
            }
            JsonLocation start = parser.currentTokenLocation();
            line = start.getLineNr();
            if (t != JsonToken.START_OBJECT) {
                parser.skipChildren();
                problem = "the element at line " + line + " is " + describe(t) + ", not a {...} record";
                return true;
            }
            JsonNode n = mapper.readTree(parser);
            long size = parser.currentLocation().getByteOffset() - start.getByteOffset();
            if (start.getByteOffset() >= 0 && size > maxChars) {
                problem = "the record at line " + line + " is " + size + " bytes, over the limit of " + maxChars
                        + " characters for one record; shorten it or raise the record size limit";
                return true;
            }
            node = n;
            return true;
        } catch (JsonProcessingException e) {
            done = true;
            fatal = true;
            JsonLocation at = e.getLocation();
            if (at != null && at.getLineNr() > 0) {
                line = at.getLineNr();
            }
            String limit = limit(e, maxChars);
            problem = (limit != null ? "the JSON at line " + line + " " + limit
                    : "malformed JSON at line " + line + (at == null ? "" : ", column " + at.getColumnNr()) + ": "
                    + e.getOriginalMessage()) + "; reading of this file stopped here (a JSON document cannot be "
                    + "resumed after a syntax error): fix the file, or convert it to JSONL so one bad record "
                    + "does not stop the rest";
            return true;
        }
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "a " + t;
        };
    }
}
