package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.curation.images.ImageLimits;
import dev.chameleon.workbench.curation.images.ImageStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Image sources over a workspace image store and over a snapshot folder. */
@Tag("unit")
class RenderImageSourceTest {

    @TempDir
    Path dir;

    static byte[] png(Color c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(Fakes.solid(c, 12), "png", out);
        return out.toByteArray();
    }

    @Test
    void readsFromTheImageStoreAndNamesWhatIsMissing() throws Exception {
        ImageStore store = new ImageStore(dir.resolve("images"), ImageLimits.defaults());
        String sha = store.put(png(Color.BLUE)).sha256();
        ImageSource source = ImageSource.of(store);
        assertThat(source.read(sha).getRGB(3, 3)).isEqualTo(Color.BLUE.getRGB());
        String missing = Fakes.key(9);
        assertThatThrownBy(() -> source.read(missing)).isInstanceOf(IOException.class)
                .hasMessageContaining(missing).hasMessageContaining("not in the image store");
    }

    @Test
    void readsFromASnapshotFolderWhateverTheExtension() throws Exception {
        byte[] bytes = png(Color.GREEN);
        String sha = ImageStore.sha256(bytes);
        Files.createDirectories(dir.resolve("images"));
        Files.write(dir.resolve("images").resolve(sha + ".png"), bytes);
        String broken = Fakes.key(4);
        Files.writeString(dir.resolve("images").resolve(broken + ".jpg"), "not an image");
        ImageSource source = ImageSource.snapshot(dir);
        assertThat(source.read(sha).getRGB(0, 0)).isEqualTo(Color.GREEN.getRGB());
        assertThatThrownBy(() -> source.read(broken)).hasMessageContaining("cannot decode");
        assertThatThrownBy(() -> source.read(Fakes.key(5))).hasMessageContaining("snapshot is incomplete");
    }
}
