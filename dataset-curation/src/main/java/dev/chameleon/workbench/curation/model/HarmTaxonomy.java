package dev.chameleon.workbench.curation.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The harm categories a Safety example may carry, loaded from {@code configs/safety/taxonomy.yaml}.
 */
public final class HarmTaxonomy {

    /** One harm category: a stable id, a label for people and a description for annotators. */
    public record Harm(String id, String label, String description) {
    }

    private final Map<String, Harm> harms;

    public HarmTaxonomy(List<Harm> harms) {
        if (harms.isEmpty()) {
            throw new IllegalArgumentException("the harm taxonomy is empty; list at least one harm under 'harms:'");
        }
        Map<String, Harm> m = new LinkedHashMap<>();
        for (Harm h : harms) {
            if (h.id() == null || !h.id().matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("harm id '" + h.id() + "' must be snake_case (a-z, 0-9, _)");
            }
            if (m.put(h.id(), h) != null) {
                throw new IllegalArgumentException("harm id '" + h.id() + "' appears twice; ids must be unique");
            }
        }
        this.harms = java.util.Collections.unmodifiableMap(m);
    }

    /** The taxonomy shipped in configs/safety/taxonomy.yaml. */
    public static HarmTaxonomy standard() {
        try (InputStream in = HarmTaxonomy.class.getResourceAsStream("/configs/safety/taxonomy.yaml")) {
            if (in == null) {
                throw new IllegalStateException("configs/safety/taxonomy.yaml is not on the classpath");
            }
            return parse(in, "configs/safety/taxonomy.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a taxonomy YAML; errors name the file and the field. */
    public static HarmTaxonomy parse(InputStream in, String name) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
        JsonNode list = root == null ? null : root.get("harms");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(name + ": expected a list under 'harms:'");
        }
        List<Harm> harms = new ArrayList<>();
        int i = 0;
        for (JsonNode n : list) {
            String id = n.path("id").asText(null);
            if (id == null) {
                throw new IllegalArgumentException(name + ": harms[" + i + "] has no 'id'");
            }
            harms.add(new Harm(id, n.path("label").asText(id), n.path("description").asText("")));
            i++;
        }
        try {
            return new HarmTaxonomy(harms);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    public boolean contains(String id) {
        return id != null && harms.containsKey(id);
    }

    public List<String> ids() {
        return List.copyOf(harms.keySet());
    }

    public List<Harm> harms() {
        return List.copyOf(harms.values());
    }
}
