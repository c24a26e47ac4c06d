package dev.chameleon.workbench.trainer.tokens.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every kind of bad or unusual image gets a clear error or a defined conversion, never a crash. */
@Tag("engine")
class VqImageLoaderTest {

    @Test
    void corruptBytesAreRefusedNamingWhatWasSeen() {
        byte[] junk = new byte[200];
        new Random(1).nextBytes(junk);
        junk[0] = 0x11;
        assertThatThrownBy(() -> ImageLoader.load(junk)).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("not a PNG, JPEG, GIF or BMP").hasMessageContaining("11 ");
        assertThatThrownBy(() -> ImageLoader.load(new byte[0])).hasMessageContaining("empty input");
        assertThatThrownBy(() -> ImageLoader.load("<html>hello</html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidImageException.class);
    }

    @Test
    void truncatedFilesAreRefused() throws IOException {
        byte[] png = encode(VqTestImages.shapes(64, new Random(2)), "png");
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> ImageLoader.load(cut)).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("could not decode");
        byte[] jpg = encode(VqTestImages.shapes(64, new Random(2)), "jpeg");
        byte[] cutJpg = Arrays.copyOf(jpg, 40);
        assertThatThrownBy(() -> ImageLoader.load(cutJpg)).isInstanceOf(InvalidImageException.class);
    }

    @Test
    void hugeImagesAreRefusedFromTheHeaderAlone() {
        byte[] header = pngHeaderOnly(100_000, 80_000);
        assertThatThrownBy(() -> ImageLoader.load(header)).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("100000x80000").hasMessageContaining("over the limit");
    }

    @Test
    void tinyImagesAreRefused() throws IOException {
        byte[] onePixel = encode(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png");
        assertThatThrownBy(() -> ImageLoader.load(onePixel)).hasMessageContaining("1x1")
                .hasMessageContaining("minimum of 8 px");
        assertThat(ImageLoader.load(onePixel, new ImageLoader.Limits(100, 1), "dot").getWidth()).isEqualTo(1);
    }

    @Test
    void sixteenBitRgbIsReducedToEightBit() throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(10, 10);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                r.setPixel(x, y, new int[] {0xFFFF, 0x8080, 0});
            }
        }
        byte[] png = encode(new BufferedImage(cm, r, false, null), "png");
        BufferedImage img = ImageLoader.load(png);
        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(img.getRGB(3, 3) & 0xFFFFFF).isEqualTo(0xFF8000);
    }

    @Test
    void greyImagesKeepTheirStoredValues() throws IOException {
        BufferedImage g8 = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY);
        g8.getRaster().setSample(2, 2, 0, 100);
        assertThat(ImageLoader.load(encode(g8, "png")).getRGB(2, 2) & 0xFFFFFF).isEqualTo(0x646464);
        BufferedImage g16 = new BufferedImage(10, 10, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(2, 2, 0, 0x8080);
        assertThat(ImageLoader.load(encode(g16, "png")).getRGB(2, 2) & 0xFFFFFF).isEqualTo(0x808080);
    }

    @Test
    void paletteTransparencyBecomesWhite() throws IOException {
        byte[] reds = {0, 0};
        byte[] greens = {0, 0};
        byte[] blues = {0, (byte) 255};
        IndexColorModel icm = new IndexColorModel(8, 2, reds, greens, blues, 0);
        BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_INDEXED, icm);
        img.getRaster().setSample(1, 1, 0, 1);
        BufferedImage loaded = ImageLoader.load(encode(img, "png"));
        assertThat(loaded.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(loaded.getRGB(1, 1) & 0xFFFFFF).isEqualTo(0x0000FF);
        BufferedImage gif = ImageLoader.load(encode(img, "gif"));
        assertThat(gif.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    @Test
    void cmykJpegIsConvertedToRgb() throws IOException {
        // A 4-channel JPEG as ImageIO writes a raster: C=0, M=Y=255, K=0 (pure red in plain CMYK).
        assertRed(ImageLoader.load(cmykJpeg(new int[] {0, 255, 255, 0})));
        // The same red as Photoshop stores it: inverted samples, announced by an Adobe APP14 marker.
        byte[] plain = cmykJpeg(new int[] {255, 0, 0, 255});
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] adobe = new byte[plain.length + app14.length];
        System.arraycopy(plain, 0, adobe, 0, 2);
        System.arraycopy(app14, 0, adobe, 2, app14.length);
        System.arraycopy(plain, 2, adobe, 2 + app14.length, plain.length - 2);
        assertRed(ImageLoader.load(adobe));
    }

    private static void assertRed(BufferedImage img) {
        assertThat(img.getWidth()).isEqualTo(16);
        int p = img.getRGB(8, 8);
        assertThat((p >> 16) & 0xff).as("red").isGreaterThan(200);
        assertThat((p >> 8) & 0xff).as("green").isLessThan(50);
        assertThat(p & 0xff).as("blue").isLessThan(50);
    }

    private static byte[] cmykJpeg(int[] sample) throws IOException {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                r.setPixel(x, y, sample);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(r, null, null), null);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    @Test
    void animatedGifGivesItsFirstFrame() throws IOException {
        BufferedImage red = solid(0xFF0000);
        BufferedImage blue = solid(0x0000FF);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(red, null, null), null);
            writer.writeToSequence(new IIOImage(blue, null, null), null);
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        BufferedImage img = ImageLoader.load(bytes.toByteArray());
        assertThat(img.getRGB(5, 5) & 0xFFFFFF).isEqualTo(0xFF0000);
    }

    private static BufferedImage solid(int rgb) {
        BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).as("writer for " + format).isTrue();
        return out.toByteArray();
    }

    /** A PNG signature and IHDR chunk claiming {@code w x h} RGB pixels, with no pixel data. */
    private static byte[] pngHeaderOnly(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }
}
