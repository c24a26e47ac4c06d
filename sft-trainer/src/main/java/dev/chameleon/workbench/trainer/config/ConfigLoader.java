package dev.chameleon.workbench.trainer.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The one way YAML becomes a config record: strict, snake_case, every error naming file, field and fix.
 *
 * <p>Keys are the snake_case spelling of record components ({@code kv_heads} for {@code kvHeads}). Unknown
 * keys, missing keys and null values are rejected, so a typo never silently falls back to a default; only a
 * component marked {@link OptionalKey} may be left out (it then receives null).
 * Checks in a record's compact constructor surface with the file and the field path prepended.
 */
public final class ConfigLoader {

    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Missing and null keys are refused before Jackson by UnknownFields.checkRequired, which knows OptionalKey.
            .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private ConfigLoader() {
    }

    /** Reads {@code file} as a {@code type}. */
    public static <T> T load(Path file, Class<T> type) {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString(), type);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file; check the path (presets live under configs/)", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads a classpath resource such as {@code configs/models/tiny.yaml} (configs/ travels inside the
     * dataset-curation jar) as a {@code type}.
     */
    public static <T> T load(String resource, Class<T> type) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        InputStream in = (loader != null ? loader : ConfigLoader.class.getClassLoader()).getResourceAsStream(name);
        if (in == null) {
            throw new ConfigException("classpath:" + name + ": not found; presets are named like"
                    + " configs/models/tiny.yaml, or pass a file path instead");
        }
        try (in) {
            return parse(in, "classpath:" + name, type);
        } catch (IOException e) {
            throw new ConfigException("classpath:" + name + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads {@code configs/FOLDER/NAME.yaml} from the classpath, e.g.
     * {@code preset("models", "tiny", ModelConfig.class)}.
     */
    public static <T> T preset(String folder, String name, Class<T> type) {
        return load("configs/" + folder + "/" + name + ".yaml", type);
    }

    /** Parses YAML from {@code in}; {@code source} names it in error messages. */
    public static <T> T parse(InputStream in, String source, Class<T> type) {
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot be read (" + e.getMessage() + ")", e);
        }
        try {
            // Jackson reports a record's unknown keys only after its missing ones; a typo is the likelier
            // cause of both, so unknown keys are looked for first.
            UnknownFields.check(MAPPER, bytes, source, type);
            UnknownFields.checkRequired(MAPPER, bytes, source, type);
            T value = MAPPER.readValue(bytes, type);
            if (value == null) {
                throw new ConfigException(source + ": the file is empty; write the " + type.getSimpleName()
                        + " fields as YAML keys");
            }
            return value;
        } catch (JsonMappingException e) {
            throw describe(e, source, type, bytes);
        } catch (JacksonException e) {
            throw new ConfigException(source + where(e.getLocation()) + ": not valid YAML ("
                    + e.getOriginalMessage() + "); fix the syntax at that line", e);
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static ConfigException describe(JsonMappingException e, String source, Class<?> type, byte[] yaml) {
        String pointer = pointer(e.getPath());
        String message = message(e, source, type, yaml, pointer);
        String field = pointer;
        if (e instanceof ValueInstantiationException) {
            String first = keyOf(e.getCause() != null ? e.getCause() : e);
            String candidate = (pointer.equals("/") ? "" : pointer) + "/" + first;
            field = !first.isEmpty() && message.startsWith(source + ":") && message.contains(", field " + candidate + ":")
                    ? candidate : pointer;
        } else if (message.endsWith("as YAML keys")) {
            field = null;
        }
        return new ConfigException(message, "/".equals(field) ? null : field, e);
    }

    /**
     * The key a record's own check rejected: given by an {@link InvalidValueException}; for other checks, the
     * snake_case word their message opens with, by convention, when it is one.
     */
    private static String keyOf(Throwable check) {
        if (check instanceof InvalidValueException v) {
            return v.key();
        }
        return String.valueOf(check.getMessage()).split("[^a-z0-9_]", 2)[0];
    }

    private static String message(JsonMappingException e, String source, Class<?> type, byte[] yaml, String pointer) {
        String at = source + where(e.getLocation()) + ", field " + pointer;
        if (e instanceof UnrecognizedPropertyException u) {
            return unknownFieldMessage(source, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), pointer,
                    u.getPropertyName(), u.getReferringClass(),
                    u.getKnownPropertyIds().stream().map(String::valueOf).toList());
        }
        if (e instanceof ValueInstantiationException) {
            // A record's own check; its message opens with the snake_case field it is about, when it is one.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String message = String.valueOf(cause.getMessage());
            String base = pointer.equals("/") ? "" : pointer;
            String first = keyOf(cause);
            int line = first.isEmpty() ? -1 : UnknownFields.lineOf(MAPPER, yaml, base + "/" + first);
            if (line > 0) {
                return source + ":" + line + ", field " + base + "/" + first + ": " + message;
            }
            if (cause instanceof InvalidValueException) {
                // The check names its key, which the file leaves out (an optional key the record needed).
                return source + ", field " + base + "/" + first + ": " + message;
            }
            return source + ", field " + pointer + ": " + message;
        }
        if (e instanceof InvalidFormatException f) {
            return at + ": '" + f.getValue() + "' is not a valid " + simpleName(f.getTargetType())
                    + "; write a value of type " + simpleName(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m) {
            String msg = m.getOriginalMessage();
            if (msg != null && msg.matches("Missing (required )?creator property '[^']*'.*")) {
                String field = msg.replaceAll("Missing (required )?creator property '([^']*)'.*", "$2");
                return source + ", field " + pointer + ": missing; every field must be given (add '"
                        + field + ": ...')";
            }
            if (msg != null && msg.startsWith("No content to map")) {
                return source + ": the file is empty; write the " + type.getSimpleName() + " fields as YAML keys";
            }
            return at + ": " + msg + " (" + "expected " + simpleName(m.getTargetType()) + "); fix the value";
        }
        return at + ": " + e.getOriginalMessage();
    }

    static String unknownFieldMessage(String source, int line, String pointer, String field, Class<?> owner,
            Collection<String> known) {
        return source + (line > 0 ? ":" + line : "") + ", field " + pointer + ": unknown field '" + field + "' in "
                + owner.getSimpleName() + "; known fields are " + String.join(", ", new TreeSet<>(known))
                + " (fix the spelling or remove it)";
    }

    private static String pointer(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            sb.append('/');
            sb.append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    private static String where(JsonLocation loc) {
        return loc == null || loc.getLineNr() <= 0 ? "" : ":" + loc.getLineNr();
    }

    private static String simpleName(Class<?> c) {
        return c == null ? "value" : c.getSimpleName();
    }
}
