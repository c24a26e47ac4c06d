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
 * <p>Held out: every combo in phrasings training never uses ("Please draw ...", "Could you draw ...?").
 */
final class ImageGenerationTasks implements Generator {

    static final List<String> PHRASINGS = List.of("Draw %s.", "Make a picture of %s.", "Show me %s.", "Paint %s.",
            "Create an image of %s.", "Generate a picture of %s.");
    static final List<String> HELD_OUT_PHRASINGS = List.of("Please draw %s.", "Could you draw %s?");

    private record Item(Combo combo, String phrasing) {
    }

    private final Painter painter;
    private final Random rnd;
    private final Pool<Item> items;
    private final Pool<Item> rephrased;

    ImageGenerationTasks(Painter painter, Random rnd) {
        this.painter = painter;
        this.rnd = rnd;
        this.items = Pool.of(cross(Combo.all(), PHRASINGS), List.of(), rnd);
        this.rephrased = Pool.heldOutOnly(cross(Combo.all(), HELD_OUT_PHRASINGS), rnd);
    }

    private static List<Item> cross(List<Combo> combos, List<String> phrasings) {
        List<Item> out = new ArrayList<>();
        for (Combo c : combos) {
            for (String p : phrasings) {
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
        return draft(rephrased.nextHeldOut()).heldOut("new_phrasing");
    }

    private Draft draft(Item item) {
        Combo c = item.combo();
        return Draft.of(Category.IMAGE_GENERATION, "draw",
                        Message.text(Role.USER, String.format(item.phrasing(), c.withArticle())),
                        Message.of(Role.ASSISTANT, painter.paintAnswer(c, rnd)))
                .with("shape", c.shape().word())
                .with("colour", c.colour().word());
    }
}
