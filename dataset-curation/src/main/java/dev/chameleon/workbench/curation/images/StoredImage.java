package dev.chameleon.workbench.curation.images;

/**
 * An image held by the store.
 *
 * @param sha256 lower-case hex SHA-256 of the original bytes
 * @param format the format name ImageIO reports ("png", "jpeg", "gif", "bmp", ...)
 * @param width  pixels
 * @param height pixels
 * @param bytes  size of the original file
 */
public record StoredImage(String sha256, String format, int width, int height, long bytes) {
}
