package dev.chameleon.workbench.trainer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Keeps the fast tiers fast: a test class tagged {@code unit} or {@code view} that loads the PyTorch native library
 * fails and says to tag it {@code engine}. Registered for every test class through the service file and
 * {@code junit-platform.properties} (web-ui's tests get both through this module's test jar); it reads the process's
 * memory map, so it sees the library however it was loaded.
 */
public final class NativeTierGuard implements BeforeAllCallback, AfterAllCallback {

    private static final Set<String> NATIVE_FREE = Set.of("unit", "view");
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NativeTierGuard.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("loaded", torchLoaded());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        boolean before = context.getStore(NS).get("loaded", Boolean.class);
        if (before || !torchLoaded()) return;
        context.getTags().stream().filter(NATIVE_FREE::contains).findFirst().ifPresent(tier -> {
            throw new AssertionError(context.getDisplayName() + " is tagged '" + tier + "' but loaded the PyTorch"
                    + " native library: tag it @Tag(\"engine\") so it runs with the engine tests in 'mvn verify'");
        });
    }

    private static boolean torchLoaded() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) return false; // not Linux: the guard has nothing to read
        try (var lines = Files.lines(maps)) {
            return lines.anyMatch(l -> l.contains("libtorch"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
