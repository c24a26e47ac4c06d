package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.images.BadImageException;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Part;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Draws shapes into the image store, never handing out the same picture twice in one dataset, so that a
 * held-out image is never a training image.
 */
final class Painter {

    /** Draws before giving up on finding an unused jitter; the demo's largest size needs a few per picture. */
    private static final int MAX_TRIES = 1000;

    private final ImageStore store;
    private final Set<String> used = new HashSet<>();

    Painter(ImageStore store) {
        this.store = store;
    }

    /** A fresh picture of the combo, stored; its jitter comes from {@code rnd}. */
    Part.Image paint(Combo combo, Random rnd) {
        for (int tries = 0; tries < MAX_TRIES; tries++) {
            byte[] png = ShapeImages.png(combo.shape(), combo.colour(), ShapeImages.SIZE, rnd.nextLong());
            String key = ImageStore.sha256(png);
            if (used.add(key)) {
                try {
                    store.put(png);
                } catch (BadImageException e) {
                    throw new IllegalStateException("the image store refused a drawn demo image: " + e.getMessage(), e);
                }
                return new Part.Image(key);
            }
        }
        throw new IllegalStateException("no unused picture of a " + combo.words() + " left after " + MAX_TRIES
                + " draws; generate a smaller demo");
    }
}
