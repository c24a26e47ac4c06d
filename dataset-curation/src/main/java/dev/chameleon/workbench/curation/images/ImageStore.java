package dev.chameleon.workbench.curation.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A content-addressed image store: each image is kept once, under the SHA-256 of its original bytes,
 * at {@code <dir>/<first two hex digits>/<sha256>}.
 *
 * <p>Writes go to a temporary file that is then atomically moved into place, so a crash never leaves a
 * partial image under a valid key. Bytes are stored exactly as received.
 */
public final class ImageStore {

    private final Path dir;
    private final ImageLimits limits;

    public ImageStore(Path dir, ImageLimits limits) {
        this.dir = dir;
        this.limits = limits;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create image store " + dir, e);
        }
    }

    public ImageLimits limits() {
        return limits;
    }

    public Path dir() {
        return dir;
    }

    /** Validates and stores an image; storing the same bytes twice is a no-op that returns the same key. */
    public StoredImage put(byte[] bytes) throws BadImageException {
        String sha = sha256(bytes);
        StoredImage info = ImageInspector.inspect(bytes, limits, sha);
        Path target = path(sha);
        if (!Files.exists(target)) {
            try {
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), ".incoming-", ".tmp");
                try {
                    Files.write(tmp, bytes);
                    try {
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, target);
                    }
                } catch (FileAlreadyExistsException e) {
                    // Another writer stored the same content first: same bytes, nothing to do.
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write image " + sha + " to " + target, e);
            }
        }
        return info;
    }

    public boolean contains(String sha256) {
        return Files.exists(path(sha256));
    }

    /** The original bytes of a stored image. */
    public byte[] read(String sha256) throws IOException {
        return Files.readAllBytes(path(sha256));
    }

    /** The stored image's format and size, if present. */
    public Optional<StoredImage> info(String sha256) {
        if (!contains(sha256)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ImageInspector.inspect(read(sha256), limits, sha256));
        } catch (IOException | BadImageException e) {
            return Optional.empty();
        }
    }

    /**
     * The usual file extension of a stored image, from its magic bytes ("png", "jpg", "gif", "bmp", "webp"),
     * or "img" when unknown. Reads only the file's first bytes.
     */
    public String extension(String sha256) throws IOException {
        byte[] head = new byte[12];
        int n;
        try (var in = Files.newInputStream(path(sha256))) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return "png";
        }
        if (n >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8) {
            return "jpg";
        }
        if (n >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F') {
            return "gif";
        }
        if (n >= 2 && head[0] == 'B' && head[1] == 'M') {
            return "bmp";
        }
        if (n >= 12 && head[0] == 'R' && head[1] == 'I' && head[8] == 'W' && head[9] == 'E') {
            return "webp";
        }
        return "img";
    }

    public Path path(String sha256) {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not an image key: " + sha256);
        }
        return dir.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
