package dev.chameleon.workbench.trainer.tokens.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/** Synthetic test images (not real photographs): coloured rectangles and discs on a coloured ground. */
final class VqTestImages {

    private VqTestImages() {
    }

    static BufferedImage shapes(int side, Random rnd) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)));
        g.fillRect(0, 0, side, side);
        for (int i = 0; i < 3; i++) {
            g.setColor(new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)));
            int x = rnd.nextInt(side);
            int y = rnd.nextInt(side);
            int s = 2 + rnd.nextInt(side / 2);
            if (rnd.nextBoolean()) {
                g.fillRect(x - s / 2, y - s / 2, s, s);
            } else {
                g.fillOval(x - s / 2, y - s / 2, s, s);
            }
        }
        g.dispose();
        return img;
    }

    /** A batch of {@code n} synthetic images as CHW floats in [-1, 1]. */
    static float[] batch(int n, int side, Random rnd) {
        float[] out = new float[n * 3 * side * side];
        for (int i = 0; i < n; i++) {
            ImagePreprocessing.toTensor(shapes(side, rnd), out, i * 3 * side * side);
        }
        return out;
    }
}
