package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Part;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** WebDataset .tar shards: consecutive entries sharing a key form one captioned sample. */
@Tag("unit")
class WebDatasetImportTest {

    @TempDir
    Path dir;

    /** Writes tar entries given as name, bytes, name, bytes, ... */
    private static void tar(OutputStream out, Object... entries) throws IOException {
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < entries.length; i += 2) {
                byte[] b = entries[i + 1] instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) entries[i + 1];
                TarArchiveEntry e = new TarArchiveEntry((String) entries[i]);
                e.setSize(b.length);
                t.putArchiveEntry(e);
                t.write(b);
                t.closeArchiveEntry();
            }
        }
    }

    private static byte[] jpeg() throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    @Test
    void samplesAreGroupedByKeyAndCaptionedFromTxtOrJson() throws Exception {
        byte[] red = Fixtures.png(Color.RED);
        byte[] blue = Fixtures.png(Color.BLUE);
        Path shard = dir.resolve("shard-000000.tar");
        try (OutputStream o = Files.newOutputStream(shard)) {
            tar(o, "part/000001.png", red, "part/000001.txt", "A red square\n",
                    "part/000002.json", "{\"caption\":\"A blue square\",\"width\":4}", "part/000002.png", blue,
                    "part/000003.txt", "No image here",
                    "part/000004.png", red, "part/000004.cls", "3",
                    "part/000005.jpeg", jpeg(), "part/000005.seg.png", blue, "part/000005.txt", "A grey square");
        }

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), shard);

        assertThat(c.examples).hasSize(3);
        Example first = c.examples.get(0);
        assertThat(first.category()).isEqualTo(Category.IMAGE_GENERATION);
        assertThat(first.prompt()).isEqualTo("A red square");
        assertThat(first.messages().get(1).parts()).containsExactly(new Part.Image(ImageStore.sha256(red)));
        assertThat(first.source().file()).isEqualTo("shard-000000.tar");
        assertThat(c.examples.get(1).prompt()).isEqualTo("A blue square");
        assertThat(c.examples.get(1).imageKeys()).containsExactly(ImageStore.sha256(blue));
        assertThat(c.examples).extracting(e -> e.source().line()).containsExactly(1L, 2L, 5L);
        // Only the plain image extension is the sample's image; "seg.png" is another field (a mask, say).
        assertThat(c.examples.get(2).imageKeys()).containsExactly(ImageStore.sha256(jpeg()));
        assertThat(c.problems).extracting(ImportProblem::line).containsExactly(3L, 4L);
        assertThat(c.reasons().get(0)).contains("'part/000003'", "no image");
        assertThat(c.reasons().get(1)).contains("'part/000004'", "no caption", "part/000004.txt");
        assertThat(SourceReader.detect(shard)).isEqualTo(Format.WEBDATASET);
    }

    @Test
    void gzipCompressedShardsAndBadImagesInThem() throws Exception {
        byte[] truncated = Arrays.copyOf(Fixtures.png(32, 32, Color.GREEN), 40);
        Path shard = dir.resolve("shard.tgz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(shard))) {
            tar(o, "a.jpg", truncated, "a.txt", "broken", "b.png", Fixtures.png(Color.WHITE), "b.txt", "white");
        }

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), shard);

        assertThat(c.examples).extracting(Example::prompt).containsExactly("white");
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.reason()).contains("image 'a.jpg'", "corrupt or truncated");
        });
    }

    @Test
    void aTruncatedShardKeepsWhatCameBeforeAndSaysWhere() throws Exception {
        Path whole = dir.resolve("whole.tar");
        try (OutputStream o = Files.newOutputStream(whole)) {
            tar(o, "1.png", Fixtures.png(Color.RED), "1.txt", "red", "2.png", Fixtures.png(32, 32, Color.BLUE),
                    "2.txt", "blue");
        }
        byte[] all = Files.readAllBytes(whole);
        // Cut inside the second image's data: headers so far are intact, the entry is short.
        Path cut = Fixtures.write(dir, "cut.tar", Arrays.copyOf(all, 512 * 5 + 30));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), cut);

        assertThat(c.examples).extracting(Example::prompt).containsExactly("red");
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isZero();
            assertThat(p.reason()).contains("truncated");
        });
    }

    @Test
    void aShardCutBetweenEntriesSaysTruncatedNotNoCaption() throws Exception {
        Path whole = dir.resolve("whole.tar");
        byte[] blue = Fixtures.png(32, 32, Color.BLUE);
        try (OutputStream o = Files.newOutputStream(whole)) {
            tar(o, "1.png", Fixtures.png(Color.RED), "1.txt", "red", "2.png", blue, "2.txt", "blue");
        }
        byte[] all = Files.readAllBytes(whole);
        // Entries: 1.png header + data, 1.txt header + data, 2.png header + data; cut right after 2.png's data.
        int records = 1 + blocks(Fixtures.png(Color.RED).length) + 1 + 1 + 1 + blocks(blue.length);
        Path cut = Fixtures.write(dir, "cut.tar", Arrays.copyOf(all, 512 * records));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), cut);

        assertThat(c.examples).extracting(Example::prompt).containsExactly("red");
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.reason()).contains("truncated", "2.png").doesNotContain("no caption");
        });
        // The whole shard, with its end-of-archive record, reads both samples.
        Fixtures.Collector ok = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), whole);
        assertThat(ok.examples).extracting(Example::prompt).containsExactly("red", "blue");
        assertThat(ok.problems).isEmpty();
    }

    private static int blocks(int bytes) {
        return (bytes + 511) / 512;
    }

    @Test
    void aTarGivenAnotherFormatIsRefused() throws Exception {
        Path shard = dir.resolve("s.tar");
        try (OutputStream o = Files.newOutputStream(shard)) {
            tar(o, "1.png", Fixtures.png(Color.RED), "1.txt", "red");
        }

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                ImportOptions.defaults().withFormat(Format.OPENAI)), shard);

        assertThat(c.examples).isEmpty();
        assertThat(c.reasons()).singleElement().asString().contains("tar archive", "webdataset");
    }
}
