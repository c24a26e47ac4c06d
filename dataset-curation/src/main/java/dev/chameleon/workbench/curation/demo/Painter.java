package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.images.BadImageException;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Part;

import java.util.List;
import java.util.Random;

/**
 * Draws shapes into the image store. Pictures in prompts come from two disjoint sets of grid placements
 * ({@link ShapeImages.Placement#heldOut()}), so a held-out prompt's picture is never a training picture; pictures in
 * answers are centred ({@link ShapeImages#centred()}), the layout a model learns to draw.
 */
final class Painter {

    private static final List<ShapeImages.Placement> TRAIN =
            ShapeImages.placements().stream().filter(p -> !p.heldOut()).toList();
    private static final List<ShapeImages.Placement> HELD_OUT =
            ShapeImages.placements().stream().filter(ShapeImages.Placement::heldOut).toList();
    private static final List<ShapeImages.Placement> CENTRED = ShapeImages.centred();

    private final ImageStore store;
    private boolean heldOut;

    Painter(ImageStore store) {
        this.store = store;
    }

    /** From now on, paint held-out pictures ({@code true}) or training pictures ({@code false}). */
    void heldOut(boolean heldOut) {
        this.heldOut = heldOut;
    }

    /** A picture for a prompt: the combo at a random placement of the current kind (training or held-out), stored. */
    Part.Image paint(Combo combo, Random rnd) {
        return store(combo, heldOut ? HELD_OUT : TRAIN, rnd);
    }

    /** A picture for an answer: the combo centred, in a random one of the two centred sizes, stored. */
    Part.Image paintAnswer(Combo combo, Random rnd) {
        return store(combo, CENTRED, rnd);
    }

    private Part.Image store(Combo combo, List<ShapeImages.Placement> places, Random rnd) {
        byte[] png = ShapeImages.png(combo.shape(), combo.colour(), ShapeImages.SIZE,
                places.get(rnd.nextInt(places.size())));
        try {
            return new Part.Image(store.put(png).sha256());
        } catch (BadImageException e) {
            throw new IllegalStateException("the image store refused a drawn demo image: " + e.getMessage(), e);
        }
    }
}
