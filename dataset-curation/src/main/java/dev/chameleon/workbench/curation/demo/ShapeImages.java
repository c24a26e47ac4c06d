package dev.chameleon.workbench.curation.demo;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Draws the demo's flat shapes and reads them back from pixels, so a checker can judge generated images.
 *
 * <p>A picture is one upright shape of one palette colour on a white square, with a small deterministic
 * jitter in size and position. Shapes are never rotated: the reader tells them apart by how much of their
 * bounding box they fill (square 1.0, circle pi/4 = 0.785, triangle 0.5, star 0.33), and a rotated square
 * would fill half its box like a triangle. Drawing is not anti-aliased, so the colours stay flat and the
 * bytes stay identical for a seed.
 */
public final class ShapeImages {

    /** The side of every demo image, in pixels: small enough for a tiny model on a CPU. */
    public static final int SIZE = 64;

    /** The shapes, chosen to differ clearly in how much of their bounding box they fill. */
    public enum Shape {
        CIRCLE(Math.PI / 4), SQUARE(1.0), TRIANGLE(0.5), STAR(0.33);

        private final double fill;

        Shape(double fill) {
            this.fill = fill;
        }

        /** The word used in prompts and answers, e.g. "circle". */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The share of its bounding box the drawn shape covers. */
        public double fill() {
            return fill;
        }
    }

    /** The palette: well-separated colours that all sit far from the white background. */
    public enum Colour {
        RED(220, 20, 30), GREEN(20, 150, 40), BLUE(30, 60, 220), YELLOW(250, 200, 0), PURPLE(140, 40, 170);

        private final int r;
        private final int g;
        private final int b;

        Colour(int r, int g, int b) {
            this.r = r;
            this.g = g;
            this.b = b;
        }

        /** The word used in prompts and answers, e.g. "red". */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The colour as 0xRRGGBB. */
        public int rgb() {
            return (r << 16) | (g << 8) | b;
        }
    }

    /** A pixel is ink when its darkest channel is at or below this; white and pale noise are not ink. */
    private static final int INK_MAX_CHANNEL = 160;
    /** A shape must cover at least this share of the image; smaller specks are noise. */
    private static final double MIN_AREA_SHARE = 0.02;
    /** The winning colour must take at least this share of the ink votes. */
    private static final double MIN_COLOUR_SHARE = 0.5;
    /** A bounding box more elongated than this is none of the demo shapes. */
    private static final double MAX_ASPECT = 1.6;

    private ShapeImages() {
    }

    /**
     * A shape of one colour on white, as PNG bytes; the same arguments always give the same bytes.
     *
     * @param size the image side in pixels ({@link #SIZE} for the demo); at least 16
     * @param seed picks the jitter: the shape spans 44-66% of the side, anywhere inside a 1/16 margin
     */
    public static byte[] png(Shape shape, Colour colour, int size, long seed) {
        BufferedImage img = draw(shape, colour, size, seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer is installed in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG in memory", e);
        }
        return out.toByteArray();
    }

    /** The picture {@link #png} encodes. */
    static BufferedImage draw(Shape shape, Colour colour, int size, long seed) {
        if (size < 16) {
            throw new IllegalArgumentException("image size must be at least 16 pixels, got " + size);
        }
        Random rnd = new Random(seed);
        int margin = Math.max(1, size / 16);
        int min = Math.round(size * 0.44f);
        int max = Math.round(size * 0.66f);
        int extent = min + rnd.nextInt(max - min + 1);
        int x = margin + rnd.nextInt(size - 2 * margin - extent + 1);
        int y = margin + rnd.nextInt(size - 2 * margin - extent + 1);

        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, size, size);
            g.setColor(new Color(colour.rgb()));
            g.fill(outline(shape, x, y, extent));
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The shape's outline inside the square box at (x, y) with side e. */
    private static java.awt.Shape outline(Shape shape, double x, double y, double e) {
        return switch (shape) {
            case CIRCLE -> new Ellipse2D.Double(x, y, e, e);
            case SQUARE -> new Rectangle2D.Double(x, y, e, e);
            case TRIANGLE -> {
                Path2D.Double p = new Path2D.Double();
                p.moveTo(x + e / 2, y);
                p.lineTo(x + e, y + e);
                p.lineTo(x, y + e);
                p.closePath();
                yield p;
            }
            case STAR -> {
                // A five-pointed star, point up, inner radius 0.382 of the outer; then fitted into the box.
                Path2D.Double p = new Path2D.Double();
                for (int k = 0; k < 10; k++) {
                    double radius = k % 2 == 0 ? 1.0 : 0.382;
                    double angle = Math.toRadians(-90 + 36 * k);
                    double px = radius * Math.cos(angle);
                    double py = radius * Math.sin(angle);
                    if (k == 0) {
                        p.moveTo(px, py);
                    } else {
                        p.lineTo(px, py);
                    }
                }
                p.closePath();
                Rectangle2D b = p.getBounds2D();
                double scale = e / Math.max(b.getWidth(), b.getHeight());
                AffineTransform t = new AffineTransform();
                t.translate(x + (e - b.getWidth() * scale) / 2, y + (e - b.getHeight() * scale) / 2);
                t.scale(scale, scale);
                t.translate(-b.getX(), -b.getY());
                yield t.createTransformedShape(p);
            }
        };
    }

    /**
     * The palette colour most of the ink is closest to, or empty when there is too little ink or no colour
     * takes at least half of it.
     *
     * <p>Each ink pixel is matched to the palette along the line from white to each colour, so the pale
     * rims of a blurred or anti-aliased shape still vote for the colour they were blended from.
     */
    public static Optional<Colour> dominantColour(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        Colour[] palette = Colour.values();
        int[] votes = new int[palette.length];
        int ink = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = onWhite(img.getRGB(x, y));
                if (!isInk(rgb)) {
                    continue;
                }
                ink++;
                votes[nearest(rgb, palette)]++;
            }
        }
        if (ink < MIN_AREA_SHARE * w * h) {
            return Optional.empty();
        }
        int best = 0;
        for (int i = 1; i < votes.length; i++) {
            if (votes[i] > votes[best]) {
                best = i;
            }
        }
        return votes[best] >= MIN_COLOUR_SHARE * ink ? Optional.of(palette[best]) : Optional.empty();
    }

    /**
     * The shape of the largest blob of ink, judged by how much of its bounding box it fills; empty when
     * there is no blob of at least 2% of the image, or the blob is too elongated or too sparse to be a shape.
     */
    public static Optional<Shape> dominantShape(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean[] ink = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ink[y * w + x] = isInk(onWhite(img.getRGB(x, y)));
            }
        }
        Blob blob = largestBlob(ink, w, h);
        if (blob == null || blob.area < MIN_AREA_SHARE * w * h) {
            return Optional.empty();
        }
        int bw = blob.maxX - blob.minX + 1;
        int bh = blob.maxY - blob.minY + 1;
        double aspect = (double) Math.max(bw, bh) / Math.min(bw, bh);
        if (aspect > MAX_ASPECT) {
            return Optional.empty();
        }
        double fill = (double) blob.area / ((double) bw * bh);
        // Thresholds sit halfway between neighbouring shapes' fills: star .33 | triangle .5 | circle .785 | square 1.
        if (fill < 0.22) {
            return Optional.empty();
        } else if (fill < 0.415) {
            return Optional.of(Shape.STAR);
        } else if (fill < 0.64) {
            return Optional.of(Shape.TRIANGLE);
        } else if (fill < 0.89) {
            return Optional.of(Shape.CIRCLE);
        }
        return Optional.of(Shape.SQUARE);
    }

    /** The bounding box and pixel count of one 4-connected blob. */
    private record Blob(int area, int minX, int minY, int maxX, int maxY) {
    }

    private static Blob largestBlob(boolean[] ink, int w, int h) {
        boolean[] seen = new boolean[ink.length];
        int[] queue = new int[ink.length];
        Blob best = null;
        for (int start = 0; start < ink.length; start++) {
            if (!ink[start] || seen[start]) {
                continue;
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            seen[start] = true;
            int minX = w;
            int minY = h;
            int maxX = -1;
            int maxY = -1;
            while (head < tail) {
                int p = queue[head++];
                int x = p % w;
                int y = p / w;
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
                if (x > 0 && ink[p - 1] && !seen[p - 1]) {
                    seen[p - 1] = true;
                    queue[tail++] = p - 1;
                }
                if (x < w - 1 && ink[p + 1] && !seen[p + 1]) {
                    seen[p + 1] = true;
                    queue[tail++] = p + 1;
                }
                if (y > 0 && ink[p - w] && !seen[p - w]) {
                    seen[p - w] = true;
                    queue[tail++] = p - w;
                }
                if (y < h - 1 && ink[p + w] && !seen[p + w]) {
                    seen[p + w] = true;
                    queue[tail++] = p + w;
                }
            }
            if (best == null || tail > best.area) {
                best = new Blob(tail, minX, minY, maxX, maxY);
            }
        }
        return best;
    }

    /** Composites an ARGB pixel onto white, as the image tokenizer's pre-processing does. */
    private static int onWhite(int argb) {
        int a = argb >>> 24;
        if (a == 255) {
            return argb & 0xFFFFFF;
        }
        int r = ((argb >> 16) & 0xFF) * a / 255 + 255 - a;
        int g = ((argb >> 8) & 0xFF) * a / 255 + 255 - a;
        int b = (argb & 0xFF) * a / 255 + 255 - a;
        return (r << 16) | (g << 8) | b;
    }

    private static boolean isInk(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        return Math.min(r, Math.min(g, b)) <= INK_MAX_CHANNEL;
    }

    /** The palette index whose white-to-colour line passes closest to the pixel. */
    private static int nearest(int rgb, Colour[] palette) {
        double dr = ((rgb >> 16) & 0xFF) - 255.0;
        double dg = ((rgb >> 8) & 0xFF) - 255.0;
        double db = (rgb & 0xFF) - 255.0;
        int best = 0;
        double bestDist = Double.MAX_VALUE;
        for (int i = 0; i < palette.length; i++) {
            double vr = palette[i].r - 255.0;
            double vg = palette[i].g - 255.0;
            double vb = palette[i].b - 255.0;
            double t = (dr * vr + dg * vg + db * vb) / (vr * vr + vg * vg + vb * vb);
            t = Math.max(0, Math.min(1, t));
            double er = dr - t * vr;
            double eg = dg - t * vg;
            double eb = db - t * vb;
            double dist = er * er + eg * eg + eb * eb;
            if (dist < bestDist) {
                bestDist = dist;
                best = i;
            }
        }
        return best;
    }
}
