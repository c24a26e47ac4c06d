package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.demo.ShapeImages.Colour;
import dev.chameleon.workbench.curation.demo.ShapeImages.Shape;

import java.util.ArrayList;
import java.util.List;

/** A shape in a colour: the unit the image tasks are built from. */
record Combo(Shape shape, Colour colour) {

    /**
     * Every combo, in enum order. All twenty are taught: a tiny model does not compose a colour and a shape it has
     * only seen apart (measured: 0 of 42 held-out "Describe the image." answers for unseen combos), and a demo
     * model should draw whatever the demo's words allow.
     */
    static List<Combo> all() {
        List<Combo> out = new ArrayList<>();
        for (Shape s : Shape.values()) {
            for (Colour c : Colour.values()) {
                out.add(new Combo(s, c));
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
