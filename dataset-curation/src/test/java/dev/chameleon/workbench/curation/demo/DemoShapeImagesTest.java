package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.demo.ShapeImages.Colour;
import dev.chameleon.workbench.curation.demo.ShapeImages.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drawing and its reading back from pixels: what a later checker of generated images relies on. */
@Tag("unit")
class DemoShapeImagesTest {

    @Test
    void everyShapeAndColourIsRecoveredFromItsPixelsAtEveryPlacement() throws IOException {
        for (Shape s : Shape.values()) {
            for (Colour c : Colour.values()) {
                for (ShapeImages.Placement p : ShapeImages.placements()) {
                    BufferedImage img = decode(ShapeImages.png(s, c, ShapeImages.SIZE, p));
                    assertThat(img.getWidth()).isEqualTo(ShapeImages.SIZE);
                    assertThat(img.getHeight()).isEqualTo(ShapeImages.SIZE);
                    assertThat(ShapeImages.dominantColour(img)).as("%s %s at %s", c, s, p).contains(c);
                    assertThat(ShapeImages.dominantShape(img)).as("%s %s at %s", c, s, p).contains(s);
                }
            }
        }
    }

    @Test
    void placementsFillTheGridAndSetAsideSomeOfEverySideForHeldOutPictures() {
        List<ShapeImages.Placement> all = ShapeImages.placements();
        assertThat(all).hasSize(25 + 16 + 9).doesNotHaveDuplicates();
        for (int side : ShapeImages.SIDES) {
            assertThat(all).filteredOn(p -> p.side() == side && p.heldOut()).isNotEmpty();
            assertThat(all).filteredOn(p -> p.side() == side && !p.heldOut()).isNotEmpty();
        }
        // A square's box sits on cell borders: its top-left pixel is ink and the pixel before it is white.
        ShapeImages.Placement p = new ShapeImages.Placement(2, 1, 4);
        BufferedImage img = ShapeImages.draw(Shape.SQUARE, Colour.RED, ShapeImages.SIZE, p);
        int cell = ShapeImages.SIZE / ShapeImages.GRID;
        assertThat(img.getRGB(2 * cell, cell) & 0xFFFFFF).isEqualTo(Colour.RED.rgb());
        assertThat(img.getRGB(2 * cell - 1, cell) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(img.getRGB(6 * cell - 1, 5 * cell - 1) & 0xFFFFFF).isEqualTo(Colour.RED.rgb());
        assertThat(img.getRGB(6 * cell, 5 * cell) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThatThrownBy(() -> new ShapeImages.Placement(5, 0, 4)).hasMessageContaining("does not fit");
    }

    @Test
    void aSlightlyBlurredShapeIsStillRecognised() throws IOException {
        // A model's decoder returns soft edges, not crisp ones; the reader must tolerate that.
        for (Shape s : Shape.values()) {
            for (Colour c : Colour.values()) {
                for (ShapeImages.Placement p : ShapeImages.placements()) {
                    BufferedImage img = boxBlur(decode(ShapeImages.png(s, c, ShapeImages.SIZE, p)));
                    assertThat(ShapeImages.dominantColour(img)).as("%s %s at %s", c, s, p).contains(c);
                    assertThat(ShapeImages.dominantShape(img)).as("%s %s at %s", c, s, p).contains(s);
                }
            }
        }
    }

    @Test
    void aBlankWhiteImageHasNoShapeAndNoColour() {
        BufferedImage white = filled(Color.WHITE);
        assertThat(ShapeImages.dominantShape(white)).isEmpty();
        assertThat(ShapeImages.dominantColour(white)).isEmpty();
    }

    @Test
    void aFullyTransparentImageReadsAsWhite() {
        BufferedImage clear = new BufferedImage(ShapeImages.SIZE, ShapeImages.SIZE, BufferedImage.TYPE_INT_ARGB);
        assertThat(ShapeImages.dominantShape(clear)).isEmpty();
        assertThat(ShapeImages.dominantColour(clear)).isEmpty();
    }

    @Test
    void aSpeckOrAThinLineIsNoShape() {
        BufferedImage img = filled(Color.WHITE);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(Colour.RED.rgb()));
        g.fillRect(10, 10, 3, 3);
        g.fillRect(5, 40, 50, 2);
        g.dispose();
        assertThat(ShapeImages.dominantShape(img)).isEmpty();
    }

    @Test
    void theSamePlacementGivesTheSameBytesAndEveryPlacementAnotherPicture() {
        ShapeImages.Placement p = new ShapeImages.Placement(1, 2, 5);
        byte[] a = ShapeImages.png(Shape.STAR, Colour.BLUE, ShapeImages.SIZE, p);
        byte[] b = ShapeImages.png(Shape.STAR, Colour.BLUE, ShapeImages.SIZE, p);
        assertThat(a).isEqualTo(b);
        long distinct = ShapeImages.placements().stream()
                .map(q -> Arrays.toString(ShapeImages.png(Shape.STAR, Colour.BLUE, ShapeImages.SIZE, q)))
                .distinct().count();
        assertThat(distinct).isEqualTo(ShapeImages.placements().size());
    }

    @Test
    void aTooSmallOrOffGridImageIsRefusedWithTheLimit() {
        ShapeImages.Placement p = new ShapeImages.Placement(0, 0, 4);
        assertThatThrownBy(() -> ShapeImages.png(Shape.CIRCLE, Colour.RED, 8, p)).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> ShapeImages.png(Shape.CIRCLE, Colour.RED, 60, p)).hasMessageContaining("multiple of 8");
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).as("decodable PNG").isNotNull();
        return img;
    }

    private static BufferedImage filled(Color c) {
        BufferedImage img = new BufferedImage(ShapeImages.SIZE, ShapeImages.SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        return img;
    }

    /** A 3x3 mean filter, treating pixels beyond the border as white. */
    private static BufferedImage boxBlur(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = 0;
                int g = 0;
                int b = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx;
                        int yy = y + dy;
                        int rgb = xx < 0 || yy < 0 || xx >= w || yy >= h ? 0xFFFFFF : src.getRGB(xx, yy);
                        r += (rgb >> 16) & 0xFF;
                        g += (rgb >> 8) & 0xFF;
                        b += rgb & 0xFF;
                    }
                }
                out.setRGB(x, y, ((r / 9) << 16) | ((g / 9) << 8) | (b / 9));
            }
        }
        return out;
    }
}
