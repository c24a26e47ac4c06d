package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.images.ImageLimits;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.CategoryRules;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.HarmTaxonomy;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/** Shared helpers for importer tests: synthetic images, a collecting listener, a reader over a temp store. */
final class Fixtures {

    private Fixtures() {
    }

    static final CategoryRules RULES = new CategoryRules(HarmTaxonomy.standard());

    static ImageStore store(Path dir) {
        return new ImageStore(dir.resolve("store"), ImageLimits.defaults());
    }

    static SourceReader reader(ImageStore store) {
        return new SourceReader(store, RULES, ImportOptions.defaults());
    }

    static SourceReader reader(ImageStore store, ImportOptions options) {
        return new SourceReader(store, RULES, options);
    }

    /** A small synthetic PNG filled with one colour (distinct colours give distinct keys). */
    static byte[] png(int w, int h, Color color) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, color.getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] png(Color color) {
        return png(4, 4, color);
    }

    /**
     * A valid 1x1 PNG whose IHDR is patched to declare {@code w} x {@code h}, with the CRC fixed so the header
     * parses: what a decompression-bomb image looks like to a reader that trusts headers.
     */
    static byte[] pngDeclaring(int w, int h) {
        byte[] b = png(1, 1, Color.RED);
        // 8-byte signature, then the IHDR chunk: length(4) "IHDR"(4) width(4) height(4) ... crc(4).
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.putInt(16, w);
        buf.putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 4 + 13);
        buf.putInt(12 + 4 + 13, (int) crc.getValue());
        return b;
    }

    static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    static Path write(Path dir, String name, String text) throws IOException {
        return write(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Copies a text fixture from src/test/resources/fixtures into {@code dir}. */
    static Path fixture(Path dir, String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test fixture " + name);
            }
            return write(dir, name, in.readAllBytes());
        }
    }

    /**
     * Writes the pictures the fixtures name (img/red.png, img/blue.png, img/green.png) under {@code dir} and returns
     * each reference's image-store key.
     */
    static Map<String, String> fixtureImages(Path dir) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Map.Entry<String, Color> e : Map.of("red", Color.RED, "blue", Color.BLUE, "green", Color.GREEN).entrySet()) {
            byte[] png = png(e.getValue());
            String ref = "img/" + e.getKey() + ".png";
            write(dir, ref, png);
            keys.put(ref, ImageStore.sha256(png));
        }
        return keys;
    }

    /** Reads a fixture copied into {@code dir} with the given options. */
    static Collector readFixture(Path dir, String name, ImportOptions options) throws IOException {
        return read(reader(store(dir), options), fixture(dir, name));
    }

    /** Lines joined with '\n' and a trailing newline. */
    static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    /** Collects everything a reader reports; can ask to cancel after a number of examples. */
    static final class Collector implements ImportListener {
        final List<Example> examples = new ArrayList<>();
        final List<ImportProblem> problems = new ArrayList<>();
        final List<long[]> progress = new ArrayList<>();
        long cancelAfter = Long.MAX_VALUE;

        @Override
        public void example(Example example) {
            examples.add(example);
        }

        @Override
        public void problem(ImportProblem problem) {
            problems.add(problem);
        }

        @Override
        public void progress(long done, long total) {
            progress.add(new long[] {done, total});
        }

        @Override
        public boolean cancelled() {
            return examples.size() >= cancelAfter;
        }

        List<String> reasons() {
            return problems.stream().map(ImportProblem::reason).toList();
        }

        @Override
        public String toString() {
            return examples.size() + " examples, problems " + problems + ", progress "
                    + progress.stream().map(Arrays::toString).toList();
        }
    }

    static Collector read(SourceReader reader, Path input) throws IOException {
        Collector c = new Collector();
        reader.read(input, c);
        return c;
    }
}
