package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * "Draw a red circle." answered by the picture alone.
 *
 * <p>Held out: the unseen combos in the training phrasings, alternating with seen combos in a phrasing
 * training never uses ("Please draw ...").
 */
final class ImageGenerationTasks implements Generator {

    static final List<String> PHRASINGS = List.of("Draw %s.", "Make a picture of %s.", "Show me %s.");
    static final String HELD_OUT_PHRASING = "Please draw %s.";

    private record Item(Combo combo, String phrasing) {
    }

    private final Painter painter;
    private final Random rnd;
    private final Pool<Item> items;
    private final Pool<Item> rephrased;
    private int heldOut;

    ImageGenerationTasks(Painter painter, Random rnd) {
        this.painter = painter;
        this.rnd = rnd;
        this.items = Pool.of(cross(Combo.train()), cross(Combo.HELD_OUT), rnd);
        this.rephrased = Pool.heldOutOnly(
                Combo.train().stream().map(c -> new Item(c, HELD_OUT_PHRASING)).toList(), rnd);
    }

    private static List<Item> cross(List<Combo> combos) {
        List<Item> out = new ArrayList<>();
        for (Combo c : combos) {
            for (String p : PHRASINGS) {
                out.add(new Item(c, p));
            }
        }
        return out;
    }

    @Override
    public Draft nextTrain() {
        return draft(items.nextTrain());
    }

    @Override
    public Draft nextHeldOut() {
        return heldOut++ % 2 == 0
                ? draft(items.nextHeldOut()).heldOut("new_combo")
                : draft(rephrased.nextHeldOut()).heldOut("new_phrasing");
    }

    private Draft draft(Item item) {
        Combo c = item.combo();
        return Draft.of(Category.IMAGE_GENERATION, "draw",
                        Message.text(Role.USER, String.format(item.phrasing(), c.withArticle())),
                        Message.of(Role.ASSISTANT, painter.paint(c, rnd)))
                .with("shape", c.shape().word())
                .with("colour", c.colour().word());
    }
}
