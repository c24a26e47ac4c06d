package dev.chameleon.workbench.curation.images;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;

/**
 * Checks that bytes are a decodable image within the limits, reading the header before decoding
 * so a forged 20k x 20k header is refused without allocating its pixels.
 */
final class ImageInspector {

    private ImageInspector() {
    }

    /** Returns format and size, or throws a {@link BadImageException} saying what is wrong. */
    public static StoredImage inspect(byte[] bytes, ImageLimits limits, String sha256) throws BadImageException {
        if (bytes.length == 0) {
            throw new BadImageException("the image file is empty");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new BadImageException("the image is " + bytes.length + " bytes, over the limit of "
                    + limits.maxBytes() + " bytes; downscale or recompress it");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadImageException("not a recognised image format (PNG, JPEG, GIF, BMP are read)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new BadImageException("the image header declares " + w + "x" + h + " pixels");
                }
                if (w > limits.maxSide() || h > limits.maxSide() || (long) w * h > limits.maxPixels()) {
                    throw new BadImageException("the image header declares " + w + "x" + h
                            + " pixels, over the limit of " + limits.maxPixels() + " pixels (" + limits.maxSide()
                            + " a side); downscale it before importing");
                }
                BufferedImage decoded = reader.read(0);
                if (decoded == null) {
                    throw new BadImageException("the image could not be decoded");
                }
                return new StoredImage(sha256, format.equals("jpg") ? "jpeg" : format, w, h, bytes.length);
            } finally {
                reader.dispose();
            }
        } catch (BadImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadImageException("the image is corrupt or truncated (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }
}
