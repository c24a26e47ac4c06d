package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;

import java.util.ArrayList;
import java.util.List;

/**
 * Puts a record's listed images where its turns ask for them, so every image of the source lands in the stored
 * example in its place (turn and order), or the record is refused saying why.
 *
 * <p>One rule for every chat-like format: each slot (a {@code <image>} or {@code <img>} placeholder, or an image
 * part without an address) takes the next listed image, counting through the conversation, then the chosen and
 * rejected answers. Slots and images must pair up exactly: a slot without its image, or an image left over, is
 * refused rather than dropped. A record with listed images and no slot at all (LLaVA without placeholders) gets
 * them in front of its first user turn.
 */
final class ImagePlacement {

    /** The resolved conversation and rejected answer. */
    record Placed(List<Message> messages, List<Message> rejected) {
    }

    private ImagePlacement() {
    }

    static Placed place(List<TurnReader.Turn> turns, List<TurnReader.Turn> rejected, List<String> refs,
                        ImageResolver images) throws RecordException {
        int slots = 0;
        String how = null;
        for (List<TurnReader.Turn> ts : List.of(turns, rejected)) {
            for (TurnReader.Turn t : ts) {
                for (TurnReader.Piece p : t.pieces()) {
                    if (p instanceof TurnReader.Slot s) {
                        slots++;
                        how = how == null ? s.how() : how;
                    }
                }
            }
        }
        if (slots > 0 && slots != refs.size()) {
            String what = how.startsWith("<") ? plural(slots, how + " placeholder")
                    : plural(slots, how) + " without a URL";
            throw new RecordException("the record has " + slots + " " + what + " but " + refs.size()
                    + " " + plural(refs.size(), "image") + (refs.isEmpty() ? " listed" : "")
                    + "; give one image per placeholder, in order, in the record's image list");
        }
        List<Part> listed = new ArrayList<>(refs.size());
        for (String r : refs) {
            listed.add(images.part(r));
        }
        int[] next = {0};
        List<Message> ms = messages(turns, listed, next, images);
        List<Message> rs = messages(rejected, listed, next, images);
        if (slots == 0 && !listed.isEmpty()) {
            ms = inFront(ms, listed);
        }
        return new Placed(ms, rs);
    }

    private static List<Message> messages(List<TurnReader.Turn> turns, List<Part> listed, int[] next,
                                          ImageResolver images) throws RecordException {
        List<Message> out = new ArrayList<>(turns.size());
        for (TurnReader.Turn t : turns) {
            List<Part> parts = new ArrayList<>(t.pieces().size());
            for (TurnReader.Piece p : t.pieces()) {
                if (p instanceof TurnReader.Text x) {
                    parts.add(new Part.Text(x.text()));
                } else if (p instanceof TurnReader.Ref r) {
                    parts.add(images.part(r.ref()));
                } else {
                    parts.add(listed.get(next[0]++));
                }
            }
            out.add(new Message(t.role(), parts));
        }
        return out;
    }

    private static List<Message> inFront(List<Message> ms, List<Part> listed) throws RecordException {
        List<Message> out = new ArrayList<>(ms);
        for (int i = 0; i < out.size(); i++) {
            Message m = out.get(i);
            if (m.role() == Role.USER) {
                List<Part> parts = new ArrayList<>(listed);
                parts.addAll(m.parts());
                out.set(i, new Message(Role.USER, parts));
                return out;
            }
        }
        throw new RecordException("the record has images but no user turn to put them in");
    }

    private static String plural(int n, String what) {
        return n == 1 ? what : what + "s";
    }
}
