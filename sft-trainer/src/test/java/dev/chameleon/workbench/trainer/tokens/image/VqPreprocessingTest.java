package dev.chameleon.workbench.trainer.tokens.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chameleon.workbench.trainer.tokens.ImageFit;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The paper's pre-processing: white compositing, Lanczos resize, centre-crop versus padding. */
@Tag("engine")
class VqPreprocessingTest {

    @Test
    void transparencyIsCompositedOntoWhite() {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00000000);                  // fully transparent black
        argb.setRGB(1, 0, 0x80FF0000);                  // half-transparent red
        BufferedImage rgb = ImagePreprocessing.toRgbOnWhite(argb);
        assertThat(rgb.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        int p = rgb.getRGB(1, 0);
        assertThat((p >> 16) & 0xff).isEqualTo(255);
        assertThat((p >> 8) & 0xff).isBetween(125, 129);
        assertThat(p & 0xff).isBetween(125, 129);
    }

    @Test
    void centreCropKeepsTheMiddleAndPadAddsWhiteBorders() {
        // 200x100: red bands at x < 40 and x >= 160, green between.
        BufferedImage img = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 200, 100);
        g.setColor(Color.GREEN);
        g.fillRect(40, 0, 120, 100);
        g.dispose();

        BufferedImage crop = ImagePreprocessing.fit(img, 64, ImageFit.CENTER_CROP);
        assertThat(crop.getWidth()).isEqualTo(64);
        assertThat(crop.getHeight()).isEqualTo(64);
        for (int x : new int[] {2, 32, 61}) {
            assertThat(crop.getRGB(x, 32) & 0xFFFFFF).as("column %d", x).isEqualTo(0x00FF00);
        }

        BufferedImage pad = ImagePreprocessing.fit(img, 64, ImageFit.PAD);
        assertThat(pad.getWidth()).isEqualTo(64);
        assertThat(pad.getRGB(32, 5) & 0xFFFFFF).isEqualTo(0xFFFFFF);      // above: white border
        assertThat(pad.getRGB(32, 60) & 0xFFFFFF).isEqualTo(0xFFFFFF);     // below: white border
        assertThat(pad.getRGB(32, 32) & 0xFFFFFF).isEqualTo(0x00FF00);     // content, 64x32 at rows 16..47
        assertThat(pad.getRGB(3, 32) & 0xFFFFFF).isEqualTo(0xFF0000);      // the red band survives padding
    }

    @Test
    void lanczosKeepsFlatColoursAndAveragesFineDetail() {
        BufferedImage flat = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = flat.createGraphics();
        g.setColor(new Color(10, 200, 77));
        g.fillRect(0, 0, 37, 23);
        g.dispose();
        BufferedImage up = ImagePreprocessing.resize(flat, 80, 50);
        BufferedImage down = ImagePreprocessing.resize(flat, 9, 5);
        assertThat(up.getRGB(40, 25) & 0xFFFFFF).isEqualTo(0x0AC84D);
        assertThat(down.getRGB(4, 2) & 0xFFFFFF).isEqualTo(0x0AC84D);

        BufferedImage checker = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                checker.setRGB(x, y, ((x + y) & 1) == 0 ? 0xFFFFFF : 0);
            }
        }
        int grey = ImagePreprocessing.resize(checker, 8, 8).getRGB(4, 4) & 0xff;
        assertThat(grey).isBetween(120, 135);
    }

    @Test
    void tensorRoundTripIsExact() {
        BufferedImage img = VqTestImages.shapes(16, new Random(2));
        float[] t = new float[3 * 16 * 16 + 5];
        ImagePreprocessing.toTensor(img, t, 5);
        assertThat(t[5]).isBetween(-1f, 1f);
        BufferedImage back = ImagePreprocessing.fromTensor(t, 5, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertThat(back.getRGB(x, y)).isEqualTo(img.getRGB(x, y));
            }
        }
    }
}
