package dev.chameleon.workbench.trainer.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the first YAML key that no record component matches, and the first required component whose key is missing
 * or null, walking records, lists of records and maps of records; other types are left to Jackson. Syntax errors are
 * left to Jackson too.
 */
final class UnknownFields {

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private UnknownFields() {
    }

    static void check(ObjectMapper mapper, byte[] yaml, String source, Class<?> root) {
        if (!root.isRecord()) {
            return;
        }
        try (JsonParser p = mapper.getFactory().createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.FIELD_NAME) {
                    continue;
                }
                String pointer = p.getParsingContext().pathAsPointer().toString();
                String[] segments = pointer.substring(1).split("/", -1);
                Type type = root;
                for (int i = 0; i < segments.length && type != null; i++) {
                    Class<?> raw = raw(type);
                    if (raw != null && raw.isRecord()) {
                        Map<String, Type> fields = fields(raw);
                        String name = unescape(segments[i]);
                        if (!fields.containsKey(name)) {
                            throw new ConfigException(ConfigLoader.unknownFieldMessage(source,
                                    p.currentLocation().getLineNr(), pointer, name, raw, fields.keySet()), pointer, null);
                        }
                        type = fields.get(name);
                    } else {
                        type = element(type);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConfigException c) {
                throw c;
            }
            // Malformed YAML: Jackson's own pass reports it with the line.
        }
    }

    /**
     * Refuses the first record component that is not {@link OptionalKey} and whose key is missing or null, naming its
     * pointer and the fix.
     */
    static void checkRequired(ObjectMapper mapper, byte[] yaml, String source, Class<?> root) {
        if (!root.isRecord()) {
            return;
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(yaml);
        } catch (IOException | RuntimeException e) {
            return; // malformed YAML: Jackson's own pass reports it with the line
        }
        if (tree == null || tree.isMissingNode() || !tree.isObject()) {
            return; // an empty file or a scalar: Jackson's own pass says so
        }
        required(mapper, yaml, tree, root, "", source);
    }

    private static void required(ObjectMapper mapper, byte[] yaml, JsonNode node, Type type, String pointer,
            String source) {
        if (node == null || node.isNull() || type == null) {
            return;
        }
        Class<?> raw = raw(type);
        if (raw != null && raw.isRecord() && node.isObject()) {
            for (RecordComponent c : raw.getRecordComponents()) {
                String name = SNAKE.translate(c.getName());
                JsonNode value = node.get(name);
                String at = pointer + "/" + name;
                if (value == null || value.isNull()) {
                    if (c.isAnnotationPresent(OptionalKey.class)) {
                        continue;
                    }
                    if (value == null) {
                        throw new ConfigException(source + ", field " + at + ": missing; every field must be given"
                                + " (add '" + name + ": ...')", at, null);
                    }
                    int line = lineOf(mapper, yaml, at);
                    throw new ConfigException(source + (line > 0 ? ":" + line : "") + ", field " + at + ": has no"
                            + " value; write a value after '" + name + ":'", at, null);
                }
                required(mapper, yaml, value, c.getGenericType(), at, source);
            }
            return;
        }
        Type element = element(type);
        if (element == null) {
            return;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                required(mapper, yaml, node.get(i), element, pointer + "/" + i, source);
            }
        } else if (node.isObject() && Map.class.isAssignableFrom(raw == null ? Object.class : raw)) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                required(mapper, yaml, e.getValue(), element, pointer + "/" + e.getKey(), source);
            }
        }
    }

    /** The line of the key at {@code pointer} (e.g. {@code /items/1/size}), or -1 when absent or unreadable. */
    static int lineOf(ObjectMapper mapper, byte[] yaml, String pointer) {
        try (JsonParser p = mapper.getFactory().createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME && p.getParsingContext().pathAsPointer().toString().equals(pointer)) {
                    return p.currentLocation().getLineNr();
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static Map<String, Type> fields(Class<?> record) {
        Map<String, Type> out = new LinkedHashMap<>();
        for (RecordComponent c : record.getRecordComponents()) {
            out.put(SNAKE.translate(c.getName()), c.getGenericType());
        }
        return out;
    }

    /** The element type of a List, Collection, array or Map value; null when not a container. */
    private static Type element(Type type) {
        if (type instanceof Class<?> c && c.isArray()) {
            return c.getComponentType();
        }
        if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            Type[] args = pt.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw) && args.length == 1) {
                return args[0];
            }
            if (Map.class.isAssignableFrom(raw) && args.length == 2) {
                return args[1];
            }
        }
        return null;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        return type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> c ? c : null;
    }

    private static String unescape(String segment) {
        return segment.replace("~1", "/").replace("~0", "~");
    }
}
