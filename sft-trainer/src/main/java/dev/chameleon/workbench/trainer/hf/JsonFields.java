package dev.chameleon.workbench.trainer.hf;

import dev.chameleon.workbench.trainer.hf.json.StrictJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Typed reads of one JSON object of a config file: a missing field (or JSON null where transformers keeps None)
 * takes the default, a field of the wrong type or out of range is refused naming the file, the field and the fix.
 */
final class JsonFields {

    private final JsonNode object;
    private final Path file;
    private final String prefix;

    JsonFields(JsonNode object, Path file, String prefix) {
        this.object = object;
        this.file = file;
        this.prefix = prefix;
    }

    Path file() {
        return file;
    }

    String path(String name) {
        return prefix + name;
    }

    JsonNode node(String name) {
        JsonNode n = object.get(name);
        return n == null || n.isNull() ? null : n;
    }

    InvalidHfConfigException error(String name, String problem) {
        return new InvalidHfConfigException(file, path(name), problem);
    }

    /** A whole number at least {@code min}; a fraction, a string or a number beyond int is refused. */
    int integer(String name, int defaultValue, int min) throws InvalidHfConfigException {
        JsonNode n = node(name);
        return n == null ? defaultValue : checkedInt(n, name, min);
    }

    /** Like {@link #integer} but JSON null and a missing field are both "not set". */
    OptionalInt optionalInteger(String name, OptionalInt defaultValue, int min) throws InvalidHfConfigException {
        if (!object.has(name)) {
            return defaultValue;
        }
        JsonNode n = node(name);
        return n == null ? OptionalInt.empty() : OptionalInt.of(checkedInt(n, name, min));
    }

    private int checkedInt(JsonNode n, String name, int min) throws InvalidHfConfigException {
        if (!n.isIntegralNumber()) {
            throw error(name, "must be a whole number, found " + describe(n) + ": write it without quotes or"
                    + " decimal point, e.g. " + Math.max(min, 1));
        }
        if (!n.canConvertToInt() || n.intValue() < min) {
            throw error(name, "is " + n.asText() + ", must be between " + min + " and " + Integer.MAX_VALUE
                    + ": set it to the value of the checkpoint's model");
        }
        return n.intValue();
    }

    /** A finite number in [min, max) (or [min, max] when {@code maxInclusive}); whole numbers are accepted. */
    double number(String name, double defaultValue, double min, boolean minInclusive, double max)
            throws InvalidHfConfigException {
        JsonNode n = node(name);
        if (n == null) {
            return defaultValue;
        }
        if (!n.isNumber()) {
            throw error(name, "must be a number, found " + describe(n) + ": write it without quotes, e.g. "
                    + defaultValue);
        }
        double v = n.doubleValue();
        boolean aboveMin = minInclusive ? v >= min : v > min;
        if (!Double.isFinite(v) || !aboveMin || !(v < max)) {
            throw error(name, "is " + n.asText() + ", must be " + (minInclusive ? ">= " : "> ") + min
                    + (max == Double.POSITIVE_INFINITY ? " and finite" : " and < " + max) + ": the transformers"
                    + " default is " + defaultValue);
        }
        return v;
    }

    boolean bool(String name, boolean defaultValue) throws InvalidHfConfigException {
        JsonNode n = node(name);
        if (n == null) {
            return defaultValue;
        }
        if (!n.isBoolean()) {
            throw error(name, "must be true or false, found " + describe(n) + ": write true or false without quotes");
        }
        return n.booleanValue();
    }

    /** A string, or {@code defaultValue} when missing or null. */
    String string(String name, String defaultValue) throws InvalidHfConfigException {
        JsonNode n = node(name);
        if (n == null) {
            return defaultValue;
        }
        if (!n.isTextual()) {
            throw error(name, "must be a string, found " + describe(n) + ": write it in double quotes, e.g. \""
                    + defaultValue + "\"");
        }
        return n.textValue();
    }

    /** A JSON array of whole numbers each at least {@code min}; null stays null. */
    List<Integer> integers(String name, List<Integer> defaultValue, int min) throws InvalidHfConfigException {
        JsonNode n = node(name);
        if (n == null) {
            return defaultValue;
        }
        if (!n.isArray()) {
            throw error(name, "must be a list of whole numbers [...], found " + describe(n));
        }
        List<Integer> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            out.add(checkedInt(n.get(i), name + "[" + i + "]", min));
        }
        return List.copyOf(out);
    }

    /** The nested object {@code name}, or null when missing or JSON null. */
    JsonFields object(String name) throws InvalidHfConfigException {
        JsonNode n = node(name);
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            throw error(name, "must be a JSON object {...}, found " + describe(n));
        }
        return new JsonFields(n, file, path(name) + ".");
    }

    static String describe(JsonNode n) {
        return StrictJson.describe(n);
    }
}
