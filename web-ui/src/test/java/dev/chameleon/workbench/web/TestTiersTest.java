package dev.chameleon.workbench.web;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every test class of every module belongs to exactly one tier, so that {@code mvn test} (unit, view) and
 * {@code mvn verify} (engine, browser, slow as well) between them run every test: an untagged class would run in
 * neither, silently.
 */
@Tag("unit")
class TestTiersTest {

    static final Set<String> TIERS = Set.of("unit", "view", "engine", "browser", "slow");
    private static final Pattern TEST_METHOD = Pattern.compile("@(Test|ParameterizedTest|RepeatedTest|TestFactory)\\b");
    private static final Pattern TAG = Pattern.compile("@Tag\\(\"([^\"]*)\"\\)");

    @Test
    void everyTestClassHasExactlyOneTier() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/test/java"))).toList()) {
                try (Stream<Path> files = Files.walk(module.resolve("src/test/java"))) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        int tested = 0;
        for (Path file : sources) {
            String text = Files.readString(file);
            if (!TEST_METHOD.matcher(text).find()) continue;
            tested++;
            List<String> tags = new ArrayList<>();
            Matcher m = TAG.matcher(text);
            while (m.find()) tags.add(m.group(1));
            if (tags.size() != 1 || !TIERS.contains(tags.get(0))) {
                wrong.add(root.relativize(file) + " has tags " + tags + ": give it exactly one of " + TIERS);
            }
        }
        assertThat(tested).as("test classes found under " + root).isGreaterThan(50);
        assertThat(wrong).isEmpty();
    }
}
