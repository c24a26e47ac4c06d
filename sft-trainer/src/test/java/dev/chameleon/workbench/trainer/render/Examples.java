package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Hand-made and random examples for renderer tests. */
final class Examples {

    private Examples() {
    }

    static Example of(Category c, Message... ms) {
        return Example.of(List.of(ms), c, new Source("test.jsonl", 1));
    }

    static Example text(String q, String a) {
        return of(Category.TEXT, Message.text(Role.USER, q), Message.text(Role.ASSISTANT, a));
    }

    static Example visualChat(String key, String q, String a) {
        return of(Category.VISUAL_CHAT, Message.of(Role.USER, Part.image(key), Part.text(q)),
                Message.text(Role.ASSISTANT, a));
    }

    static Example captionPair(String caption, String key) {
        return of(Category.IMAGE_GENERATION, Message.text(Role.USER, caption),
                Message.of(Role.ASSISTANT, Part.image(key)));
    }

    static Example interleaved(String q, String k1, String k2) {
        return of(Category.INTERLEAVED_GENERATION, Message.text(Role.SYSTEM, "Be brief."),
                Message.text(Role.USER, q),
                Message.of(Role.ASSISTANT, Part.text("First:"), Part.image(k1), Part.text("then"), Part.text("second:"),
                        Part.image(k2)),
                Message.text(Role.USER, "thanks ✓"),
                Message.text(Role.ASSISTANT, "you're welcome"));
    }

    /** Random conversations: any roles, any mix of text (ASCII, CJK, emoji, empty) and image parts. */
    static List<Example> random(long seed, int n) {
        Random r = new Random(seed);
        String[] words = {"a", "cat", "日本", "🙂", "", " ", "x\ny", "é", "<s>", "42"};
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Message> ms = new ArrayList<>();
            int turns = 1 + r.nextInt(5);
            for (int t = 0; t < turns; t++) {
                Role role = t == 0 && r.nextInt(4) == 0 ? Role.SYSTEM : (t % 2 == 0 ? Role.USER : Role.ASSISTANT);
                if (r.nextInt(6) == 0) {
                    role = Role.values()[r.nextInt(3)];
                }
                List<Part> parts = new ArrayList<>();
                int np = r.nextInt(4);
                for (int p = 0; p < np; p++) {
                    if (r.nextInt(3) == 0) {
                        parts.add(Part.image(Fakes.key(r.nextInt(50))));
                    } else {
                        StringBuilder sb = new StringBuilder();
                        for (int w = r.nextInt(5); w > 0; w--) {
                            sb.append(words[r.nextInt(words.length)]).append(' ');
                        }
                        parts.add(Part.text(sb.toString()));
                    }
                }
                ms.add(new Message(role, parts));
            }
            out.add(Example.of(ms, Category.values()[r.nextInt(Category.values().length)], new Source("rnd", i)));
        }
        return out;
    }
}
