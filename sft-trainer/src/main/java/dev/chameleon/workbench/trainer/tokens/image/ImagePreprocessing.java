package dev.chameleon.workbench.trainer.tokens.image;

import dev.chameleon.workbench.trainer.tokens.ImageFit;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The paper's pre-processing, as pure functions on images: composite onto white, Lanczos resize, then
 * centre-crop ({@link ImageFit#CENTER_CROP}, answer images) or white padding ({@link ImageFit#PAD}, prompt
 * images), then pixels to floats in [-1, 1] and back.
 *
 * <pre>
 *   CENTER_CROP 200x100 -> 64:  resize to 128x64, keep columns 32..95
 *   PAD         200x100 -> 64:  resize to 64x32, rows 16..47 on a white 64x64 canvas
 * </pre>
 */
public final class ImagePreprocessing {

    private ImagePreprocessing() {
    }

    /**
     * An 8-bit sRGB copy with transparency composited onto white. Grey images (with or without alpha, 8 or 16
     * bit) keep their stored values as sRGB grey; Java2D would otherwise treat them as linear and brighten them.
     */
    public static BufferedImage toRgbOnWhite(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        if (src.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            Raster r = src.getRaster();
            int bands = r.getNumBands();
            double greyMax = (1L << src.getColorModel().getComponentSize(0)) - 1;
            double alphaMax = bands > 1 ? (1L << src.getColorModel().getComponentSize(1)) - 1 : 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = r.getSampleDouble(x, y, 0) / greyMax;
                    double a = bands > 1 ? r.getSampleDouble(x, y, 1) / alphaMax : 1;
                    int g = (int) Math.round(255 * (v * a + (1 - a)));
                    out.setRGB(x, y, g << 16 | g << 8 | g);
                }
            }
            return out;
        }
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The image brought to {@code resolution x resolution} the way {@code fit} says. */
    public static BufferedImage fit(BufferedImage image, int resolution, ImageFit fit) {
        BufferedImage rgb = toRgbOnWhite(image);
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        if (fit == ImageFit.CENTER_CROP) {
            double s = (double) resolution / Math.min(w, h);
            int nw = Math.max(resolution, (int) Math.round(w * s));
            int nh = Math.max(resolution, (int) Math.round(h * s));
            BufferedImage resized = resize(rgb, nw, nh);
            return copy(resized.getSubimage((nw - resolution) / 2, (nh - resolution) / 2, resolution, resolution));
        }
        double s = (double) resolution / Math.max(w, h);
        int nw = Math.max(1, Math.min(resolution, (int) Math.round(w * s)));
        int nh = Math.max(1, Math.min(resolution, (int) Math.round(h * s)));
        BufferedImage resized = resize(rgb, nw, nh);
        BufferedImage canvas = new BufferedImage(resolution, resolution, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, resolution, resolution);
            g.drawImage(resized, (resolution - nw) / 2, (resolution - nh) / 2, null);
        } finally {
            g.dispose();
        }
        return canvas;
    }

    /** Lanczos-3 resize of an RGB image; the same size returns a copy. */
    public static BufferedImage resize(BufferedImage rgb, int nw, int nh) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        if (w == nw && h == nh) {
            return copy(rgb);
        }
        float[] planes = planes(rgb);
        return fromPlanes(Lanczos.resize(planes, 3, w, h, nw, nh), nw, nh);
    }

    /** Planar RGB floats in [0, 255]: red plane, green plane, blue plane. */
    public static float[] planes(BufferedImage rgb) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int[] px = rgb.getRGB(0, 0, w, h, null, 0, w);
        int n = w * h;
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            out[i] = (px[i] >> 16) & 0xff;
            out[n + i] = (px[i] >> 8) & 0xff;
            out[2 * n + i] = px[i] & 0xff;
        }
        return out;
    }

    /** The image of planar RGB floats in [0, 255], rounded and clamped. */
    static BufferedImage fromPlanes(float[] planes, int w, int h) {
        int n = w * h;
        int[] px = new int[n];
        for (int i = 0; i < n; i++) {
            px[i] = byteOf(planes[i]) << 16 | byteOf(planes[n + i]) << 8 | byteOf(planes[2 * n + i]);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, px, 0, w);
        return out;
    }

    /** Writes a square RGB image as CHW floats in [-1, 1] into {@code dst} at {@code offset}. */
    public static void toTensor(BufferedImage rgb, float[] dst, int offset) {
        int w = rgb.getWidth();
        int n = w * rgb.getHeight();
        int[] px = rgb.getRGB(0, 0, w, rgb.getHeight(), null, 0, w);
        for (int i = 0; i < n; i++) {
            dst[offset + i] = ((px[i] >> 16) & 0xff) / 127.5f - 1f;
            dst[offset + n + i] = ((px[i] >> 8) & 0xff) / 127.5f - 1f;
            dst[offset + 2 * n + i] = (px[i] & 0xff) / 127.5f - 1f;
        }
    }

    /** The RGB image of CHW floats in [-1, 1] (clamped) at {@code offset}. */
    public static BufferedImage fromTensor(float[] src, int offset, int side) {
        int n = side * side;
        float[] planes = new float[3 * n];
        for (int i = 0; i < 3 * n; i++) {
            planes[i] = (src[offset + i] + 1f) * 127.5f;
        }
        return fromPlanes(planes, side, side);
    }

    public static byte[] toPng(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferedImage copy(BufferedImage rgb) {
        BufferedImage out = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(rgb, 0, 0, null);
        g.dispose();
        return out;
    }

    private static int byteOf(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }
}
