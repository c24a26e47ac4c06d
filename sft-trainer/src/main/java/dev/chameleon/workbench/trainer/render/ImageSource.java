package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.curation.images.ImageStore;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Where the renderer gets the pixels of an image that an example names by its SHA-256. */
@FunctionalInterface
public interface ImageSource {

    /**
     * The decoded image.
     *
     * @throws IOException when the image is missing or cannot be decoded; the message names the key and the place
     */
    BufferedImage read(String sha256) throws IOException;

    /** Images of a workspace's content-addressed store. */
    static ImageSource of(ImageStore store) {
        return sha -> {
            if (!store.contains(sha)) {
                throw new IOException("image " + sha + " is not in the image store " + store.dir()
                        + "; re-import the example's source with its images");
            }
            return decode(store.read(sha), sha, store.path(sha));
        };
    }

    /**
     * Images of a snapshot folder, {@code <snapshot>/images/<sha256>.<ext>} as {@code SnapshotWriter} lays them
     * out. The folder is listed once, on the first read.
     */
    static ImageSource snapshot(Path snapshotDir) {
        Path dir = snapshotDir.resolve("images");
        Map<String, Path> files = new HashMap<>();
        return sha -> {
            Path p;
            synchronized (files) {
                if (files.isEmpty() && Files.isDirectory(dir)) {
                    try (Stream<Path> list = Files.list(dir)) {
                        list.forEach(f -> {
                            String name = f.getFileName().toString();
                            int dot = name.indexOf('.');
                            files.put(dot < 0 ? name : name.substring(0, dot), f);
                        });
                    }
                }
                p = files.get(sha);
            }
            if (p == null) {
                throw new IOException("image " + sha + " is not in " + dir
                        + "; the snapshot is incomplete, take a new one from the dataset");
            }
            return decode(Files.readAllBytes(p), sha, p);
        };
    }

    private static BufferedImage decode(byte[] bytes, String sha, Path where) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        if (img == null) {
            throw new IOException("image " + sha + " at " + where + " is in a format ImageIO cannot decode");
        }
        return img;
    }
}
