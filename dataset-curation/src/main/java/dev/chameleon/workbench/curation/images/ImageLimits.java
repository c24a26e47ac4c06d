package dev.chameleon.workbench.curation.images;

/**
 * What the image store accepts.
 *
 * @param maxBytes  largest encoded file accepted
 * @param maxPixels largest width x height accepted; checked from the header, before any decoding
 * @param maxSide   largest width or height accepted
 */
public record ImageLimits(long maxBytes, long maxPixels, int maxSide) {
    public ImageLimits {
        if (maxBytes <= 0 || maxPixels <= 0 || maxSide <= 0) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }

    /** 32 MiB, 40 megapixels, 16384 px a side: generous for SFT data, far below a decompression bomb. */
    public static ImageLimits defaults() {
        return new ImageLimits(32L << 20, 40_000_000L, 16_384);
    }
}
