package dev.chameleon.workbench.trainer.hf.torch;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The files made by make_torch_fixtures.py, next to it in the test resources. */
final class Fixtures {

    private Fixtures() {
    }

    static Path path(String name) {
        URL url = Fixtures.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException(name + " is missing from the test resources; run make_torch_fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
