package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * A picture and one of three fixed questions, answered in canonical words a checker can compare exactly:
 * "What shape is this?" "A circle.", "What colour is the shape?" "Red.",
 * "Describe the image." "A red circle on a white background."
 *
 * <p>Every example gets a picture at a random training placement. Held out: every combo and question, asked of
 * pictures at the held-out placements, which training never shows.
 */
final class VisualChatTasks implements Generator {

    /** A question, its task name, and how its answer is spelled for a combo. */
    record Question(String task, String text, Function<Combo, String> answer) {
    }

    static final List<Question> QUESTIONS = List.of(
            new Question("shape-question", "What shape is this?",
                    c -> capitalise(Combo.article(c.shape().word())) + "."),
            new Question("colour-question", "What colour is the shape?",
                    c -> capitalise(c.colour().word()) + "."),
            new Question("describe", "Describe the image.",
                    c -> capitalise(c.withArticle()) + " on a white background."));

    private record Item(Combo combo, Question question) {
    }

    private final Painter painter;
    private final Random rnd;
    private final Pool<Item> items;

    VisualChatTasks(Painter painter, Random rnd) {
        this.painter = painter;
        this.rnd = rnd;
        this.items = Pool.of(cross(Combo.all()), cross(Combo.all()), rnd);
    }

    private static List<Item> cross(List<Combo> combos) {
        List<Item> out = new ArrayList<>();
        for (Combo c : combos) {
            for (Question q : QUESTIONS) {
                out.add(new Item(c, q));
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
        return draft(items.nextHeldOut()).heldOut("new_picture");
    }

    private Draft draft(Item item) {
        Combo c = item.combo();
        Question q = item.question();
        return Draft.of(Category.VISUAL_CHAT, q.task(),
                        Message.of(Role.USER, painter.paint(c, rnd), new Part.Text(q.text())),
                        Message.text(Role.ASSISTANT, q.answer().apply(c)))
                .with("shape", c.shape().word())
                .with("colour", c.colour().word());
    }

    static String capitalise(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
