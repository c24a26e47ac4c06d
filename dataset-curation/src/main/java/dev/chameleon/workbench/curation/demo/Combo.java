package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.demo.ShapeImages.Colour;
import dev.chameleon.workbench.curation.demo.ShapeImages.Shape;

import java.util.ArrayList;
import java.util.List;

/** A shape in a colour: the unit the image tasks are built from. */
record Combo(Shape shape, Colour colour) {

    /**
     * Combos no training image shows, one per shape and colour, so held-out prompts can test whether a
     * model composes a colour and a shape it has only seen apart. Every shape and colour still appears
     * in training with other partners.
     */
    static final List<Combo> HELD_OUT = List.of(
            new Combo(Shape.CIRCLE, Colour.GREEN),
            new Combo(Shape.SQUARE, Colour.PURPLE),
            new Combo(Shape.TRIANGLE, Colour.YELLOW),
            new Combo(Shape.STAR, Colour.BLUE));

    /** Every combo not in {@link #HELD_OUT}, in enum order. */
    static List<Combo> train() {
        List<Combo> out = new ArrayList<>();
        for (Shape s : Shape.values()) {
            for (Colour c : Colour.values()) {
                Combo combo = new Combo(s, c);
                if (!HELD_OUT.contains(combo)) {
                    out.add(combo);
                }
            }
        }
        return out;
    }

    /** "red circle". */
    String words() {
        return colour.word() + " " + shape.word();
    }

    /** "a red circle". */
    String withArticle() {
        return article(words());
    }

    /** The word with "a" or, before a vowel (should the palette ever gain "orange"), "an". */
    static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }
}
