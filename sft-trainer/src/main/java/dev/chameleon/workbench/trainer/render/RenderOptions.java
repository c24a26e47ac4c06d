package dev.chameleon.workbench.trainer.render;

/**
 * Choices that change how examples render.
 *
 * @param rotateImageFirst put the image first in about half of the image-caption pairs (see {@link ChatRenderer})
 * @param seed             chooses which half; the same seed always picks the same examples
 */
public record RenderOptions(boolean rotateImageFirst, long seed) {

    /** No rotation. */
    public static final RenderOptions PLAIN = new RenderOptions(false, 0);

    public static RenderOptions rotating(long seed) {
        return new RenderOptions(true, seed);
    }
}
