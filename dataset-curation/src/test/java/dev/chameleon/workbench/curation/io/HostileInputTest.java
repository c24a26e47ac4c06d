package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Category;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/** Inputs built to hurt: bombs, forged image headers, path traversal, corrupt files, giant lines. */
@Tag("unit")
class HostileInputTest {

    @TempDir
    Path dir;

    private static final String GOOD = "{\"prompt\":\"Hi?\",\"completion\":\"Hello.\"}";

    private static String visual(String imageRef) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\""
                + imageRef.replace("\\", "\\\\") + "\"}},{\"type\":\"text\",\"text\":\"What is it?\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"A square.\"}]}";
    }

    /** Bytes this thread allocated so far (HotSpot); -1 where the JVM cannot tell. */
    private static long allocated() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported()) {
            return t.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    /** Streams {@code head}, then {@code fill} repeated to {@code bytes}, then {@code tail}, through gzip. */
    private static Path gzip(Path file, String head, byte fill, long bytes, String tail) throws Exception {
        try (OutputStream o = new BufferedOutputStream(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16)) {
            o.write(head.getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[1 << 16];
            Arrays.fill(chunk, fill);
            for (long done = 0; done < bytes; done += chunk.length) {
                o.write(chunk, 0, (int) Math.min(chunk.length, bytes - done));
            }
            o.write(tail.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    @Test
    void aGzipBombIsRefusedQuicklyWithoutBufferingIt() throws Exception {
        // 200 MB of whitespace inside a JSON array: valid JSON, and about 200 KB compressed.
        Path bomb = gzip(dir.resolve("bomb.json.gz"), "[" + GOOD + ",", (byte) ' ', 200L << 20, "]");
        assertThat(Files.size(bomb)).isLessThan(1L << 20);
        SourceReader reader = Fixtures.reader(Fixtures.store(dir));
        Fixtures.Collector c = new Fixtures.Collector();

        long alloc0 = allocated();
        long t0 = System.nanoTime();
        ReadSummary s = reader.read(bomb, c);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long alloc = allocated() - alloc0;

        assertThat(c.examples).hasSize(1);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isZero();
            assertThat(p.reason()).contains("looks like a decompression bomb", "ratio");
        });
        assertThat(s.problems()).isEqualTo(1);
        assertThat(seconds).isLessThan(20);
        if (alloc0 >= 0) {
            // 64 MiB went through the inflater; only fixed buffers may be allocated for it.
            assertThat(alloc).isLessThan(16L << 20);
        }
    }

    @Test
    void aGzipOfZerosIsRefusedBeforeItIsInflated() throws Exception {
        Path zeros = gzip(dir.resolve("zeros.jsonl.gz"), "", (byte) 0, 200L << 20, "");

        long t0 = System.nanoTime();
        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), zeros);

        assertThat(c.examples).isEmpty();
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isZero();
            assertThat(p.reason()).contains("not JSON", "supported formats");
        });
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
    }

    @Test
    void theInflatedSizeLimitStopsTheFileAndKeepsWhatCameBefore() throws Exception {
        Path file = dir.resolve("big.jsonl.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < 40_000; i++) {
                o.write(("{\"prompt\":\"Question " + i + "?\",\"completion\":\"Answer " + i + ".\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withMaxInflatedBytes(1 << 20)), file);

        assertThat(c.examples).hasSizeBetween(10_000, 25_000);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isZero();
            assertThat(p.reason()).contains("inflates past the limit of 1048576 bytes");
        });
    }

    @Test
    void aTruncatedGzipIsOneProblemNotAnException() throws Exception {
        Path whole = dir.resolve("w.jsonl.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(whole))) {
            for (int i = 0; i < 40_000; i++) {
                o.write((GOOD.replace("Hi", "Hi " + i * 7919L % 100_003) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] all = Files.readAllBytes(whole);
        Path cut = Fixtures.write(dir, "cut.jsonl.gz", Arrays.copyOf(all, all.length / 2));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), cut);

        assertThat(c.examples).isNotEmpty();
        assertThat(c.problems).last().satisfies(p -> {
            assertThat(p.line()).isZero();
            assertThat(p.reason()).contains("gzip stream is truncated");
        });
    }

    @Test
    void aForgedHugeImageHeaderIsRefusedBySize() throws Exception {
        Fixtures.write(dir, "huge.png", Fixtures.pngDeclaring(20_000, 20_000));
        Path file = Fixtures.write(dir, "chat.jsonl", lines(visual("huge.png"),
                visual(Fixtures.dataUri(Fixtures.pngDeclaring(20_000, 20_000)))));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).isEmpty();
        assertThat(c.problems).hasSize(2).allSatisfy(p ->
                assertThat(p.reason()).contains("20000x20000", "over the limit"));
        assertThat(c.problems.get(0).reason()).contains("huge.png");
    }

    @Test
    void aTruncatedImageIsRefusedAsCorrupt() throws Exception {
        byte[] png = Fixtures.png(64, 64, Color.ORANGE);
        Fixtures.write(dir, "cut.png", Arrays.copyOf(png, png.length / 2));
        Fixtures.write(dir, "ok.png", Fixtures.png(Color.ORANGE));
        Path file = Fixtures.write(dir, "chat.jsonl", lines(visual("cut.png"), visual("ok.png")));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).hasSize(1);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.reason()).contains("cut.png", "corrupt or truncated");
        });
    }

    @Test
    void imagePathsThatLeaveTheDataFolderAreRefused() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path secret = Fixtures.write(dir, "secret.png", Fixtures.png(Color.BLACK));
        Path inside = Fixtures.write(data, "pics/ok.png", Fixtures.png(Color.WHITE));
        Path file = Fixtures.write(data, "chat.jsonl", lines(
                visual("../secret.png"),
                visual(secret.toAbsolutePath().toString()),
                visual("pics/../../secret.png"),
                visual("../../../../../../../../etc/passwd"),
                visual(inside.toAbsolutePath().toString()),
                visual(secret.toUri().toString())));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(5L);
        assertThat(c.problems).extracting(ImportProblem::line).containsExactly(1L, 2L, 3L, 4L, 6L);
        assertThat(c.problems).allSatisfy(p -> assertThat(p.reason()).contains("escapes the data folder",
                "--images DIR"));
        assertThat(c.reasons().get(0)).contains("image path '../secret.png' escapes the data folder; put images under "
                + data.toRealPath());
    }

    @Test
    void imageDirsWidenWhereImagesMayComeFrom() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path pictures = dir.resolve("pictures");
        Path img = Fixtures.write(pictures, "ok.png", Fixtures.png(Color.WHITE));
        Path file = Fixtures.write(data, "chat.jsonl", lines(visual("../pictures/ok.png"),
                visual(img.toAbsolutePath().toString())));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withImageDirs(List.of(pictures))), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(2);
    }

    @Test
    void aSymbolicLinkOutOfTheFolderIsRefused() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path secret = Fixtures.write(dir, "secret.png", Fixtures.png(Color.BLACK));
        try {
            Files.createSymbolicLink(data.resolve("link.png"), secret);
        } catch (UnsupportedOperationException | java.io.IOException e) {
            // A missing prerequisite fails loudly: a skipped security check reads as a passed one.
            throw new AssertionError("this test needs symbolic links, and the temporary folder " + dir
                    + " refused one (" + e + "); run the tests with java.io.tmpdir on a file system that has them "
                    + "(on Windows: turn on Developer Mode, or run as administrator)", e);
        }
        Path file = Fixtures.write(data, "chat.jsonl", lines(visual("link.png")));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).isEmpty();
        assertThat(c.reasons()).singleElement().asString().contains("'link.png' escapes the data folder");
    }

    @Test
    void unsupportedFilesAreRefusedWithTheListOfFormats() throws Exception {
        Path xmlFile = Fixtures.write(dir, "data.xml", lines("<records><r q=\"Hi?\"/></records>"));
        Path binary = Fixtures.write(dir, "data.bin", new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        Path unknown = Fixtures.write(dir, "qa.jsonl", lines("{\"query\":\"Hi?\",\"reply\":\"Hello.\"}", GOOD));

        for (Path p : List.of(xmlFile, binary, unknown)) {
            Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), p);
            assertThat(c.examples).as(p.toString()).isEmpty();
            assertThat(c.problems).as(p.toString()).singleElement().satisfies(problem -> {
                assertThat(problem.line()).isZero();
                assertThat(problem.file()).isEqualTo(p.getFileName().toString());
                assertThat(problem.reason()).contains("supported formats", "workbench", "openai", "sharegpt", "alpaca",
                        "llava", "prompt-completion", "caption-folder", "webdataset", "--format");
            });
            assertThat(SourceReader.detect(p)).isNull();
        }
        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), unknown);
        assertThat(c.reasons().get(0)).contains("[query, reply]", "--map query=prompt,reply=response");
        Fixtures.Collector bin = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), binary);
        assertThat(bin.reasons().get(0)).contains("binary data (first bytes 7f 45 4c 46");
        Fixtures.Collector xml = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), xmlFile);
        assertThat(xml.reasons().get(0)).contains("text starting \"<records>");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedUnread() throws Exception {
        Path file = Fixtures.write(dir, "data.jsonl", lines(GOOD, GOOD, GOOD));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withMaxFileBytes(50)), file);

        assertThat(c.examples).isEmpty();
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isZero();
            assertThat(p.reason()).contains("over the limit of 50 bytes");
        });
    }

    @Test
    void aGiantLineIsOneProblemAndIsSkippedWithoutBufferingIt() throws Exception {
        ImportOptions small = new ImportOptions(null, null, List.of(), 8L << 30, 16L << 30, 200, 10_000, java.util.Map.of(),
                null, null, false);
        Path file = dir.resolve("giant.jsonl");
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file))) {
            o.write((GOOD + "\n{\"prompt\":\"").getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[1 << 16];
            Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 800; i++) { // 50 MiB in one line
                o.write(chunk);
            }
            o.write(("\",\"completion\":\"x\"}\n" + GOOD + "\n").getBytes(StandardCharsets.UTF_8));
        }
        SourceReader reader = Fixtures.reader(Fixtures.store(dir), small);
        Fixtures.Collector c = new Fixtures.Collector();

        long alloc0 = allocated();
        reader.read(file, c);
        long alloc = allocated() - alloc0;

        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(1L, 3L);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.reason()).contains("longer than 10000 characters");
        });
        if (alloc0 >= 0) {
            assertThat(alloc).isLessThan(8L << 20);
        }
    }

    @Test
    void deeplyNestedJsonIsOneBadLine() throws Exception {
        String deep = "{\"prompt\":" + "[".repeat(100_000) + "]".repeat(100_000) + ",\"completion\":\"x\"}";
        Path file = Fixtures.write(dir, "deep.jsonl", lines(GOOD, deep, GOOD));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).hasSize(2);
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.reason()).contains("nests deeper than 1000 levels").doesNotContain("StreamReadConstraints");
        });
    }

    @Test
    void oversizedDataUrisAreRefusedBeforeDecoding() throws Exception {
        ImportOptions opts = ImportOptions.defaults();
        String big = "data:image/png;base64," + "A".repeat(48 << 20);
        Path file = Fixtures.write(dir, "chat.jsonl", lines(visual(big)));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir), opts.withCategory(Category.VISUAL_CHAT)), file);

        assertThat(c.examples).isEmpty();
        assertThat(c.reasons()).singleElement().asString().contains("over the limit of " + (32L << 20) + " bytes");
    }
}
