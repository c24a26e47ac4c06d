package dev.chameleon.workbench.trainer.tokens.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;

/**
 * Reads untrusted image bytes into an 8-bit sRGB image on white, or refuses them with an
 * {@link InvalidImageException} that says what is wrong and how to fix it. Never lets a decoder error escape.
 *
 * <ul>
 *   <li>corrupt or unknown bytes: refused, naming the first bytes seen;</li>
 *   <li>huge images: refused from the header alone, before any pixel is decoded;</li>
 *   <li>tiny images (a side under {@link Limits#minSide()}, e.g. 1x1): refused;</li>
 *   <li>16-bit, grey, grey+alpha, palette and transparent images: converted to 8-bit RGB on white;</li>
 *   <li>CMYK/YCCK JPEG (which ImageIO cannot turn into a BufferedImage): converted without a colour profile
 *       (naive CMYK to RGB; Adobe-marked files are taken as inverted, as Photoshop writes them);</li>
 *   <li>animated GIF: the first frame.</li>
 * </ul>
 */
public final class ImageLoader {

    /** Refusal thresholds; {@link #DEFAULT} allows up to 50 megapixels and sides of at least 8 px. */
    public record Limits(long maxPixels, int minSide) {
        public static final Limits DEFAULT = new Limits(50_000_000L, 8);

        public Limits {
            if (maxPixels < 1) {
                throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
            }
            if (minSide < 1) {
                throw new IllegalArgumentException("minSide must be at least 1, got " + minSide);
            }
        }
    }

    /** Largest file read into memory; a 50-megapixel image fits well below it even uncompressed. */
    static final long MAX_FILE_BYTES = 512L << 20;

    private ImageLoader() {
    }

    public static BufferedImage load(byte[] bytes) {
        return load(bytes, Limits.DEFAULT, "image");
    }

    public static BufferedImage load(Path path) throws IOException {
        return load(path, Limits.DEFAULT);
    }

    public static BufferedImage load(Path path, Limits limits) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new InvalidImageException(path + ": file is " + size + " bytes, over the " + MAX_FILE_BYTES
                    + "-byte limit for one image; downscale or re-compress it");
        }
        return load(Files.readAllBytes(path), limits, path.toString());
    }

    /** Decodes {@code bytes}; {@code source} names the input in error messages. */
    public static BufferedImage load(byte[] bytes, Limits limits, String source) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidImageException(source + ": empty input; give the bytes of a PNG, JPEG, GIF or BMP file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidImageException(source + ": not a PNG, JPEG, GIF or BMP image (first bytes "
                        + hex(bytes, 8) + "); check that the file is an image and not truncated or text");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, false, false);
                return decode(reader, limits, source);
            } finally {
                reader.dispose();
            }
        } catch (InvalidImageException e) {
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw new InvalidImageException(source + ": could not decode the image (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); the file is corrupt or truncated, re-export it", e);
        }
    }

    private static BufferedImage decode(ImageReader reader, Limits limits, String source) throws IOException {
        String format = reader.getFormatName().toUpperCase();
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w <= 0 || h <= 0) {
            throw new InvalidImageException(source + ": " + format + " header gives a size of " + w + "x" + h);
        }
        if ((long) w * h > limits.maxPixels()) {
            throw new InvalidImageException(source + ": " + format + " image is " + w + "x" + h + " = "
                    + ((long) w * h) + " pixels, over the limit of " + limits.maxPixels()
                    + "; downscale it before import or raise maxPixels");
        }
        if (Math.min(w, h) < limits.minSide()) {
            throw new InvalidImageException(source + ": " + format + " image is " + w + "x" + h
                    + ", a side under the minimum of " + limits.minSide() + " px; such an image has no content to "
                    + "tokenize, use a larger one");
        }
        BufferedImage image;
        try {
            image = reader.read(0);
        } catch (IIOException e) {
            if (!"JPEG".equals(format)) {
                throw e;
            }
            // Adobe CMYK/YCCK JPEGs: ImageIO reads them only as rasters.
            Raster r;
            try {
                r = reader.readRaster(0, null);
            } catch (IOException | RuntimeException second) {
                e.addSuppressed(second);
                throw e;
            }
            if (r.getNumBands() != 4) {
                throw e;
            }
            return cmykToRgb(r, adobeTransform(reader));
        }
        if ("JPEG".equals(format) && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
            // Java2D's own conversion of unprofiled CMYK is unusable (it gave black for pure red), and read()
            // already inverts the samples; convert the samples as stored instead.
            return cmykToRgb(reader.readRaster(0, null), adobeTransform(reader));
        }
        return ImagePreprocessing.toRgbOnWhite(image);
    }

    /**
     * Naive CMYK to RGB without a colour profile: R = (1 - C)(1 - K) and likewise. {@code transform} is the
     * Adobe APP14 transform (-1 when absent: plain CMYK; 0: inverted CMYK as Photoshop writes; 2: YCCK).
     */
    private static BufferedImage cmykToRgb(Raster r, int transform) {
        boolean inverted = transform >= 0;
        int w = r.getWidth();
        int h = r.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.getPixel(r.getMinX() + x, r.getMinY() + y, px);
                double c = px[0];
                double m = px[1];
                double ye = px[2];
                if (transform == 2) {
                    // YCCK: the first three channels are YCbCr of (inverted) CMY.
                    double yy = px[0];
                    double cb = px[1] - 128;
                    double cr = px[2] - 128;
                    c = clamp(yy + 1.402 * cr);
                    m = clamp(yy - 0.344136 * cb - 0.714136 * cr);
                    ye = clamp(yy + 1.772 * cb);
                }
                double k = px[3];
                if (!inverted) {
                    c = 255 - c;
                    m = 255 - m;
                    ye = 255 - ye;
                    k = 255 - k;
                }
                // Now each value is "how much light passes" (255 - ink): R = (1 - C)(1 - K).
                int red = (int) Math.round(c * k / 255);
                int green = (int) Math.round(m * k / 255);
                int blue = (int) Math.round(ye * k / 255);
                out.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        }
        return out;
    }

    /** The Adobe APP14 transform (0 CMYK, 1 YCC, 2 YCCK), or -1 when the JPEG has no Adobe marker. */
    private static int adobeTransform(ImageReader reader) {
        try {
            IIOMetadata md = reader.getImageMetadata(0);
            Node adobe = find(md.getAsTree("javax_imageio_jpeg_image_1.0"), "app14Adobe");
            if (adobe == null) {
                return -1;
            }
            Node t = adobe.getAttributes().getNamedItem("transform");
            return t == null ? 0 : Integer.parseInt(t.getNodeValue());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Node find(Node node, String name) {
        if (name.equals(node.getNodeName())) {
            return node;
        }
        for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
            Node f = find(c, name);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(255, v));
    }

    private static String hex(byte[] bytes, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, bytes.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02X", bytes[i] & 0xff));
        }
        return sb.toString();
    }
}
