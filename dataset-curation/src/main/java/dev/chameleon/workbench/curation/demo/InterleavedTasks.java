package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Two pictures woven into text: "Show me a red circle and then a blue square." answered by
 * "Here is a red circle." [picture] "And here is a blue square." [picture].
 *
 * <p>Held out: pairs of combos (in a template) that training never puts together. Pictures are centred, as in every
 * answer.
 */
final class InterleavedTasks implements Generator {

    /** A request for two pictures and the sentence that introduces each. */
    record Template(String task, String prompt, String first, String second) {
    }

    static final List<Template> TEMPLATES = List.of(
            new Template("show-two", "Show me %s and then %s.", "Here is %s.", "And here is %s."),
            new Template("story", "Tell a short story about %s and %s, with pictures.",
                    "Once there was %s.", "One day it met %s."));

    /** Pairs kept apart for checking. */
    private static final int HELD_OUT_PAIRS = 40;

    private record Item(Combo first, Combo second, Template template) {
    }

    private final Painter painter;
    private final Random rnd;
    private final Pool<Item> pairs;

    InterleavedTasks(Painter painter, Random rnd) {
        this.painter = painter;
        this.rnd = rnd;
        List<Combo> all = Combo.all();
        List<Item> items = new ArrayList<>();
        for (Combo a : all) {
            for (Combo b : all) {
                if (a.equals(b)) {
                    continue;
                }
                for (Template t : TEMPLATES) {
                    items.add(new Item(a, b, t));
                }
            }
        }
        this.pairs = Pool.split(items, HELD_OUT_PAIRS, rnd);
    }

    @Override
    public Draft nextTrain() {
        return draft(pairs.nextTrain());
    }

    @Override
    public Draft nextHeldOut() {
        return draft(pairs.nextHeldOut()).heldOut("new_pair");
    }

    private Draft draft(Item item) {
        Combo a = item.first();
        Combo b = item.second();
        Template t = item.template();
        return Draft.of(Category.INTERLEAVED_GENERATION, t.task(),
                        Message.text(Role.USER, String.format(t.prompt(), a.withArticle(), b.withArticle())),
                        Message.of(Role.ASSISTANT,
                                new Part.Text(String.format(t.first(), a.withArticle())), painter.paintAnswer(a, rnd),
                                new Part.Text(String.format(t.second(), b.withArticle())), painter.paintAnswer(b, rnd)))
                .with("shape", a.shape().word() + "," + b.shape().word())
                .with("colour", a.colour().word() + "," + b.colour().word());
    }
}
