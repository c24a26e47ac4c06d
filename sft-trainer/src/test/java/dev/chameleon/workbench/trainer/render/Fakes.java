package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Tiny stand-ins for the real tokenizers, so renderer tests depend on nothing but the interfaces. */
public final class Fakes {

    private Fakes() {
    }

    /** N codes from the image's centre pixel and the fit, and a record of every fit asked for. */
    public static final class CodeTokenizer implements ImageTokenizer {
        private final int n;
        private final int codebook;
        public final List<ImageFit> fits = new ArrayList<>();
        public int wrongCount = -1;

        public CodeTokenizer(int n, int codebook) {
            this.n = n;
            this.codebook = codebook;
        }

        @Override
        public int codesPerImage() {
            return n;
        }

        @Override
        public int codebookSize() {
            return codebook;
        }

        @Override
        public int resolution() {
            return 16;
        }

        @Override
        public int[] encode(BufferedImage image, ImageFit fit) {
            if (image.getWidth() == 1) {
                throw new IllegalArgumentException("a 1x1 image is too small");
            }
            fits.add(fit);
            int rgb = image.getRGB(image.getWidth() / 2, image.getHeight() / 2) & 0xffffff;
            int[] codes = new int[wrongCount >= 0 ? wrongCount : n];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = Math.floorMod(rgb * 31 + i * 7 + fit.ordinal(), codebook);
            }
            return codes;
        }

        @Override
        public BufferedImage decode(int[] codes) {
            return solid(new Color(codes[0] * 10 % 256, 0, 0), 16);
        }

        @Override
        public void close() {
        }
    }

    public static BufferedImage solid(Color c, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.setRGB(x, y, c.getRGB());
            }
        }
        return img;
    }

    /** An image source that makes a solid image from the key's first bytes; keys starting "00" are 1x1. */
    public static ImageSource colours() {
        return sha -> {
            int rgb = HexFormat.fromHexDigits(sha.substring(0, 6));
            return solid(new Color(rgb), sha.startsWith("00") ? 1 : 8);
        };
    }

    /** A 64-hex-digit image key derived from a number. */
    public static String key(long n) {
        String h = String.format("%016x", n * 0x9E3779B97F4A7C15L + 0x1234567L);
        return (h + h + h + h).substring(0, 64).replace("00", "11");
    }
}
