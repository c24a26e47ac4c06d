package dev.chameleon.workbench.trainer.tokens;

import java.awt.image.BufferedImage;
import java.util.List;

/** Turns an image into a fixed number of codebook indices and codes back into an image. */
public interface ImageTokenizer extends AutoCloseable {

    /** Codes per image (e.g. 1024 for 512 px at 16x downsampling). */
    int codesPerImage();

    int codebookSize();

    /** Square side in pixels that images are brought to before encoding. */
    int resolution();

    /**
     * Codes in raster order, each in {@code [0, codebookSize)}.
     *
     * @throws IllegalArgumentException for an image it cannot take, saying why
     */
    int[] encode(BufferedImage image, ImageFit fit);

    /** Codes for several images brought in the same way, one array per image; batched where the tokenizer can. */
    default int[][] encodeBatch(List<BufferedImage> images, ImageFit fit) {
        int[][] out = new int[images.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = encode(images.get(i), fit);
        }
        return out;
    }

    /** The image for {@link #codesPerImage()} codes. */
    BufferedImage decode(int[] codes);

    @Override
    void close();
}
