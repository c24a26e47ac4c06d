package dev.chameleon.workbench.web.generation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The few models kept in memory, least recently used first out: a model evicted to make room is closed (its
 * native memory freed) before the next one loads. Not for concurrent use; {@link GeneratorService} calls it
 * from its one generation thread, so a model is never closed while it generates.
 */
final class LoadedModels<T extends AutoCloseable> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadedModels.class);

    private final int capacity;
    private final Function<Path, T> loader;
    private final LinkedHashMap<Path, T> models = new LinkedHashMap<>(4, 0.75f, true);

    LoadedModels(int capacity, Function<Path, T> loader) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity (" + capacity + ") must be at least 1");
        }
        this.capacity = capacity;
        this.loader = loader;
    }

    /** The model of {@code checkpoint}, loaded now (evicting the least recently used) unless already loaded. */
    T get(Path checkpoint) {
        Path key = key(checkpoint);
        T model = models.get(key);
        if (model != null) {
            return model;
        }
        Iterator<Map.Entry<Path, T>> eldest = models.entrySet().iterator();
        while (models.size() >= capacity && eldest.hasNext()) {
            Map.Entry<Path, T> e = eldest.next();
            eldest.remove();
            close(e.getKey(), e.getValue());
        }
        model = loader.apply(key);
        models.put(key, model);
        return model;
    }

    /** The checkpoints loaded now, least recently used first. */
    java.util.List<Path> loaded() {
        return java.util.List.copyOf(models.keySet());
    }

    static Path key(Path checkpoint) {
        return checkpoint.toAbsolutePath().normalize();
    }

    @Override
    public void close() {
        models.forEach(LoadedModels::close);
        models.clear();
    }

    private static void close(Path key, AutoCloseable model) {
        try {
            model.close();
        } catch (Exception e) {
            LOG.warn("Closing the model of {} failed: {}", key, e.toString());
        }
    }
}
