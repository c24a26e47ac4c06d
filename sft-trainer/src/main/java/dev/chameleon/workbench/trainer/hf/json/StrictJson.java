package dev.chameleon.workbench.trainer.hf.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Parses JSON from an untrusted file (a checkpoint's config.json, a safetensors header, a shard index): strict
 * UTF-8, one value with nothing after it, no key twice in any object. A failure is an {@link Invalid} whose message
 * says what is wrong (with line and column); the caller adds the file and the part it was reading.
 */
public final class StrictJson {

    /** The mapper behind {@link #parseObject}, for building and writing JSON of the same files. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StrictJson() {
    }

    /** Why some bytes are not one strict JSON object. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /** The top-level JSON object in {@code bytes}; anything else (an array, a number, bad UTF-8) is refused. */
    public static JsonNode parseObject(byte[] bytes) throws Invalid {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Invalid("is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new Invalid("is not valid JSON" + where + ": " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new Invalid("must be a JSON object {...}, found "
                    + (node == null || node.isMissingNode() ? "nothing" : describe(node)));
        }
        return node;
    }

    /** A JSON number that is a whole number from 0 to Long.MAX_VALUE, or -1 when it is anything else. */
    public static long nonNegativeLong(JsonNode n) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            return -1;
        }
        long v = n.longValue();
        return v < 0 ? -1 : v;
    }

    /** A JSON value as an error message names it: "the string \"abc\"", "the number 3", "a list", ... */
    public static String describe(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> "the string \"" + abbreviate(n.textValue()) + "\"";
            case NUMBER -> "the number " + abbreviate(n.asText());
            case BOOLEAN -> String.valueOf(n.booleanValue());
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
