package dev.chameleon.workbench.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chameleon.workbench.curation.model.HarmTaxonomy;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every YAML under configs/ (subfolders too) parses, opens with a comment, and is validated by the type its
 * folder holds; a file in a folder no validator knows still has to be well-formed YAML.
 */
@Tag("unit")
class ConfigFilesTest {

    /** configs/ at the repository root, found from the module directory surefire runs in. */
    static Path configsDir() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve("configs");
            if (Files.isDirectory(candidate.resolve("models"))) {
                return candidate;
            }
        }
        throw new AssertionError("no configs/ folder with models/ above " + dir);
    }

    @Test
    void everyYamlUnderConfigsLoadsAndValidates() throws IOException {
        Path root = configsDir();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(6);
        List<String> validated = new ArrayList<>();
        for (Path file : files) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).as(rel + " is empty").isNotEmpty();
            assertThat(lines.get(0)).as(rel + " must open with a comment naming the command that uses it")
                    .startsWith("#");
            if (rel.startsWith("models/")) {
                ModelConfig c = ConfigLoader.load(file, ModelConfig.class);
                assertThat(c.parameterCount()).isPositive();
                validated.add(rel);
            } else if (rel.startsWith("recipes/")) {
                TrainConfig run = ConfigLoader.load(file, TrainConfig.class);
                // A fine-tuning preset's init_from names a downloaded checkpoint that is not in the repository;
                // the model preset it expects must still resolve.
                assertThat(run.initFrom() != null ? run.namedModel().parameterCount()
                        : run.resolveModel().parameterCount()).isPositive();
                validated.add(rel);
            } else if (rel.startsWith("tokenizers/")) {
                TokenizerRecipe t = ConfigLoader.load(file, TokenizerRecipe.class);
                assertThat(t.imageConfig()).isNotBlank();
                validated.add(rel);
            } else if (rel.equals("safety/taxonomy.yaml")) {
                try (InputStream in = Files.newInputStream(file)) {
                    assertThat(HarmTaxonomy.parse(in, rel).ids()).isNotEmpty();
                }
                validated.add(rel);
            } else {
                try (InputStream in = Files.newInputStream(file)) {
                    new ObjectMapper(new YAMLFactory()).readTree(in);
                }
            }
        }
        assertThat(validated).contains("models/tiny.yaml", "models/small.yaml", "models/medium.yaml",
                "models/chameleon-7b.yaml", "models/chameleon-34b.yaml", "safety/taxonomy.yaml",
                "recipes/sft-paper.yaml", "recipes/tiny-cpu.yaml", "recipes/lora.yaml", "recipes/anole-image-head.yaml", "tokenizers/demo.yaml");
    }
}
