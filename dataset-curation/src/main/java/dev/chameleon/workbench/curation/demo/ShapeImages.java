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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Draws the demo's flat shapes and reads them back from pixels, so a checker can judge generated images.
 *
 * <p>A picture is one upright shape of one palette colour on a white square, its box aligned to an 8x8 grid
 * ({@link Placement}): 50 placements in three sizes. Shapes are never rotated: the reader tells them apart by how much of their
 * bounding box they fill (square 1.0, circle pi/4 = 0.785, triangle 0.5, star 0.35) and of their convex hull
 * (star 0.5, the others nearly 1); a rotated square would fill half its box like a triangle. Drawing is
 * not anti-aliased, so the colours stay flat and the bytes stay identical for a seed.
 */
public final class ShapeImages {

    /** The side of every demo image, in pixels: small enough for a tiny model on a CPU. */
    public static final int SIZE = 64;

    /** The shapes, chosen to differ clearly in how much of their bounding box and hull they fill. */
    public enum Shape {
        CIRCLE, SQUARE, TRIANGLE, STAR;

        /** The word used in prompts and answers, e.g. "circle". */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
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

    /** Cells per side of the grid every demo shape is aligned to: the demo image tokenizer's 8x8 codes. */
    public static final int GRID = 8;
    /** The sides a shape's box may have, in cells: 50%, 62.5% and 75% of the picture. */
    public static final List<Integer> SIDES = List.of(4, 5, 6);

    /**
     * Where a shape sits: its square box starts at cell ({@code x}, {@code y}) of the {@link #GRID} and spans
     * {@code side} cells each way. Boxes on cell borders mean a square is drawn entirely by whole cells, so an image
     * tokenizer with one code per cell sees a few clean patterns instead of every sub-cell offset of every edge.
     */
    public record Placement(int x, int y, int side) {
        public Placement {
            if (side < 1 || x < 0 || y < 0 || x + side > GRID || y + side > GRID) {
                throw new IllegalArgumentException("placement (" + x + ", " + y + ") of side " + side
                        + " does not fit a " + GRID + "x" + GRID + " grid");
            }
        }

        /**
         * Whether the placement is kept for held-out pictures: about one in five of each side, so a held-out picture
         * is never a training picture.
         */
        public boolean heldOut() {
            return Math.floorMod(7 * x + 3 * y + side, 5) == 0;
        }
    }

    /** Every placement of every side in {@link #SIDES}, row by row: 50 in all. */
    public static List<Placement> placements() {
        List<Placement> out = new ArrayList<>();
        for (int side : SIDES) {
            for (int y = 0; y + side <= GRID; y++) {
                for (int x = 0; x + side <= GRID; x++) {
                    out.add(new Placement(x, y, side));
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * The placements whose box sits exactly in the middle: sides 4 and 6. Pictures the demo's answers draw use only
     * these, so a tiny model learns one layout per size instead of committing, code by code, to one of 50 positions
     * (measured: with answers at any placement, greedy decoding began shapes late and cut them off at the bottom).
     */
    public static List<Placement> centred() {
        return placements().stream().filter(p -> 2 * p.x() + p.side() == GRID && p.x() == p.y()).toList();
    }

    /**
     * A shape of one colour on white, as PNG bytes; the same arguments always give the same bytes.
     *
     * @param size the image side in pixels ({@link #SIZE} for the demo); a multiple of {@link #GRID}, at least 16
     */
    public static byte[] png(Shape shape, Colour colour, int size, Placement at) {
        BufferedImage img = draw(shape, colour, size, at);
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
    static BufferedImage draw(Shape shape, Colour colour, int size, Placement at) {
        if (size < 16 || size % GRID != 0) {
            throw new IllegalArgumentException("image size must be a multiple of " + GRID + " and at least 16 pixels,"
                    + " got " + size);
        }
        int cell = size / GRID;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, size, size);
            g.setColor(new Color(colour.rgb()));
            g.fill(outline(shape, at.x() * cell, at.y() * cell, at.side() * cell));
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
     * The shape of the largest blob of ink, or empty when there is no blob of at least 2% of the image or
     * the blob is none of the demo shapes.
     *
     * <p>Two numbers decide: solidity (the blob's share of its convex hull) separates the star, whose arms
     * leave half its hull empty, from the convex shapes; fill (its share of its bounding box) then separates
     * triangle 0.5, circle 0.785 and square 1.0. Both survive the soft edges of a decoded image.
     */
    public static Optional<Shape> dominantShape(BufferedImage img) {
        Features f = features(img);
        if (f == null || f.aspect() > MAX_ASPECT) {
            return Optional.empty();
        }
        if (f.solidity() < 0.8) {
            // Star: fill 0.34-0.38 and solidity 0.48-0.53 when crisp; a twice-blurred star reaches 0.48 and 0.65.
            return f.fill() >= 0.22 && f.fill() < 0.6 && f.solidity() >= 0.35
                    ? Optional.of(Shape.STAR) : Optional.empty();
        }
        // Convex: triangle .50-.52 (blurred up to .61) | circle .78-.79 (blurred up to .82) | square 1.
        if (f.fill() < 0.38) {
            return Optional.empty();
        } else if (f.fill() < 0.67) {
            return Optional.of(Shape.TRIANGLE);
        } else if (f.fill() < 0.9) {
            return Optional.of(Shape.CIRCLE);
        }
        return Optional.of(Shape.SQUARE);
    }

    /**
     * What the shape reader measures on the largest blob of ink.
     *
     * @param fill     area over bounding-box area
     * @param solidity area over convex-hull area (hull of the pixels' corners)
     * @param aspect   longer over shorter side of the bounding box, at least 1
     */
    record Features(int area, double fill, double solidity, double aspect) {
    }

    /** The largest blob's features, or null when it covers less than 2% of the image. */
    static Features features(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean[] ink = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ink[y * w + x] = isInk(onWhite(img.getRGB(x, y)));
            }
        }
        boolean[] blob = largestBlob(ink, w, h);
        int area = 0;
        int minX = w;
        int minY = h;
        int maxX = -1;
        int maxY = -1;
        // Each row's outermost pixel corners: enough points for the convex hull.
        long[] corners = new long[4 * h];
        int nCorners = 0;
        for (int y = 0; y < h; y++) {
            int left = -1;
            int right = -1;
            for (int x = 0; x < w; x++) {
                if (blob[y * w + x]) {
                    area++;
                    if (left < 0) {
                        left = x;
                    }
                    right = x;
                }
            }
            if (left >= 0) {
                minX = Math.min(minX, left);
                maxX = Math.max(maxX, right);
                minY = Math.min(minY, y);
                maxY = y;
                corners[nCorners++] = point(left, y);
                corners[nCorners++] = point(left, y + 1);
                corners[nCorners++] = point(right + 1, y);
                corners[nCorners++] = point(right + 1, y + 1);
            }
        }
        if (area == 0 || area < MIN_AREA_SHARE * w * h) {
            return null;
        }
        int bw = maxX - minX + 1;
        int bh = maxY - minY + 1;
        double hull = hullArea(corners, nCorners);
        return new Features(area, (double) area / ((double) bw * bh), area / hull,
                (double) Math.max(bw, bh) / Math.min(bw, bh));
    }

    private static long point(int x, int y) {
        return ((long) x << 32) | (y & 0xFFFFFFFFL);
    }

    /** Area of the convex hull of the points (Andrew's monotone chain, then the shoelace formula). */
    private static double hullArea(long[] points, int n) {
        long[] p = java.util.Arrays.copyOf(points, n);
        java.util.Arrays.sort(p); // by x, then y: the packing keeps that order for non-negative coordinates
        long[] hull = new long[2 * n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            while (k >= 2 && cross(hull[k - 2], hull[k - 1], p[i]) <= 0) {
                k--;
            }
            hull[k++] = p[i];
        }
        for (int i = n - 2, lower = k + 1; i >= 0; i--) {
            while (k >= lower && cross(hull[k - 2], hull[k - 1], p[i]) <= 0) {
                k--;
            }
            hull[k++] = p[i];
        }
        double twice = 0;
        for (int i = 0; i < k - 1; i++) {
            twice += (double) x(hull[i]) * y(hull[i + 1]) - (double) x(hull[i + 1]) * y(hull[i]);
        }
        return Math.abs(twice) / 2;
    }

    private static long cross(long o, long a, long b) {
        return (long) (x(a) - x(o)) * (y(b) - y(o)) - (long) (y(a) - y(o)) * (x(b) - x(o));
    }

    private static int x(long p) {
        return (int) (p >> 32);
    }

    private static int y(long p) {
        return (int) p;
    }

    /** The pixels of the largest 4-connected blob of ink (all false when there is no ink). */
    private static boolean[] largestBlob(boolean[] ink, int w, int h) {
        int[] label = new int[ink.length];
        int[] queue = new int[ink.length];
        int bestLabel = 0;
        int bestSize = 0;
        int next = 0;
        for (int start = 0; start < ink.length; start++) {
            if (!ink[start] || label[start] != 0) {
                continue;
            }
            int id = ++next;
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            label[start] = id;
            while (head < tail) {
                int p = queue[head++];
                int x = p % w;
                int y = p / w;
                if (x > 0 && ink[p - 1] && label[p - 1] == 0) {
                    label[p - 1] = id;
                    queue[tail++] = p - 1;
                }
                if (x < w - 1 && ink[p + 1] && label[p + 1] == 0) {
                    label[p + 1] = id;
                    queue[tail++] = p + 1;
                }
                if (y > 0 && ink[p - w] && label[p - w] == 0) {
                    label[p - w] = id;
                    queue[tail++] = p - w;
                }
                if (y < h - 1 && ink[p + w] && label[p + w] == 0) {
                    label[p + w] = id;
                    queue[tail++] = p + w;
                }
            }
            if (tail > bestSize) {
                bestSize = tail;
                bestLabel = id;
            }
        }
        boolean[] out = new boolean[ink.length];
        for (int i = 0; i < ink.length; i++) {
            out[i] = bestLabel != 0 && label[i] == bestLabel;
        }
        return out;
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
