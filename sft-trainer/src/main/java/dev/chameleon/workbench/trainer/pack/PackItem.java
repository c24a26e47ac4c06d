package dev.chameleon.workbench.trainer.pack;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.render.RenderedExample;

import java.util.Arrays;

/**
 * What the packer needs to know about one example, without its tokens: its length, category, where it may be cut
 * and where its image blocks sit.
 *
 * @param id          the caller's id for the example, echoed in reports of dropped examples
 * @param length      tokens in the rendered sequence, at least 1
 * @param category    the example's category, for the token share by category
 * @param cuts        positions at which the sequence may be cut (the ends of turns), strictly increasing, each in
 *                    {@code (0, length]} and none strictly inside an image block; the end of the sequence is always
 *                    a cut whether listed or not
 * @param imageBlocks image blocks flattened as {@code [start0, end0, start1, end1, ...]}, each block from its
 *                    begin-image to one past its end-image, in order and not overlapping
 */
public record PackItem(int id, int length, Category category, int[] cuts, int[] imageBlocks) {

    public PackItem {
        if (length < 1) {
            throw new IllegalArgumentException("PackItem " + id + ": length is " + length
                    + "; an example must have at least one token (render it first, or leave it out)");
        }
        if (category == null) {
            throw new IllegalArgumentException("PackItem " + id + ": category is missing; pass the example's category");
        }
        if (imageBlocks.length % 2 != 0) {
            throw new IllegalArgumentException("PackItem " + id + ": imageBlocks has odd length " + imageBlocks.length
                    + "; give pairs [start, end) of each image block");
        }
        int prevEnd = 0;
        for (int i = 0; i < imageBlocks.length; i += 2) {
            int s = imageBlocks[i];
            int e = imageBlocks[i + 1];
            if (s < prevEnd || e <= s || e > length) {
                throw new IllegalArgumentException("PackItem " + id + ": image block [" + s + ", " + e
                        + ") is out of order or outside [0, " + length + "); blocks must be ordered, disjoint, inside");
            }
            prevEnd = e;
        }
        int prev = 0;
        for (int c : cuts) {
            if (c <= prev || c > length) {
                throw new IllegalArgumentException("PackItem " + id + ": cut " + c + " is not strictly increasing in (0, "
                        + length + "]; list turn ends in order");
            }
            for (int i = 0; i < imageBlocks.length; i += 2) {
                if (c > imageBlocks[i] && c < imageBlocks[i + 1]) {
                    throw new IllegalArgumentException("PackItem " + id + ": cut " + c + " falls inside image block ["
                            + imageBlocks[i] + ", " + imageBlocks[i + 1] + "); images are never split, drop that cut");
                }
            }
            prev = c;
        }
        cuts = cuts.clone();
        imageBlocks = imageBlocks.clone();
    }

    /** An item with no image and no cut but its end: an atomic text example. */
    public static PackItem text(int id, int length, Category category) {
        return new PackItem(id, length, category, new int[]{length}, new int[0]);
    }

    /**
     * The item for a rendered example: cuts at the end of every message (turn boundaries), except any that would
     * fall inside an image block.
     */
    public static PackItem of(int id, RenderedExample ex) {
        int[] blocks = new int[ex.images().size() * 2];
        for (int i = 0; i < ex.images().size(); i++) {
            blocks[2 * i] = ex.images().get(i).start();
            blocks[2 * i + 1] = ex.images().get(i).end();
        }
        int[] cuts = new int[ex.spans().size() + 1];
        int n = 0;
        int prev = 0;
        for (RenderedExample.Span s : ex.spans()) {
            int c = s.end();
            if (c > prev && c <= ex.length() && !insideImage(c, blocks)) {
                cuts[n++] = c;
                prev = c;
            }
        }
        if (prev != ex.length()) {
            cuts[n++] = ex.length();
        }
        return new PackItem(id, ex.length(), ex.category(), Arrays.copyOf(cuts, n), blocks);
    }

    private static boolean insideImage(int c, int[] blocks) {
        for (int i = 0; i < blocks.length; i += 2) {
            if (c > blocks[i] && c < blocks[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** Image-code tokens (the N codes, not begin-image and end-image) of blocks lying wholly in {@code [from, to)}. */
    public int imageCodesIn(int from, int to) {
        int n = 0;
        for (int i = 0; i < imageBlocks.length; i += 2) {
            if (imageBlocks[i] >= from && imageBlocks[i + 1] <= to) {
                n += imageBlocks[i + 1] - imageBlocks[i] - 2;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PackItem p && p.id == id && p.length == length && p.category == category
                && Arrays.equals(p.cuts, cuts) && Arrays.equals(p.imageBlocks, imageBlocks);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id + length) + Arrays.hashCode(cuts);
    }

    @Override
    public String toString() {
        return "PackItem[id=" + id + ", length=" + length + ", category=" + category + ", cuts="
                + Arrays.toString(cuts) + ", imageBlocks=" + Arrays.toString(imageBlocks) + "]";
    }
}
