package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Image-first rotation of image-caption pairs, as in pre-training (docs/chameleon.md#image-first-rotation).
 *
 * <p>A pair is an Image Generation example whose conversation, after any leading system messages, is exactly one
 * user message of text only and one assistant message holding one image and no text. Rotated, the user turn holds
 * the image and the assistant answers with the caption. Whether a pair is rotated depends only on its messages
 * and the seed: the first 8 bytes of the SHA-256 of its canonical messages JSON, mixed with the seed, choose.
 */
final class Rotation {

    private Rotation() {
    }

    /** True when the example is an image-caption pair that can be rotated. */
    static boolean isPair(Example e) {
        if (e.category() != Category.IMAGE_GENERATION) {
            return false;
        }
        List<Message> ms = withoutSystem(e.messages());
        if (ms.size() != 2) {
            return false;
        }
        Message user = ms.get(0);
        Message answer = ms.get(1);
        return user.role() == Role.USER && !user.hasImage() && user.hasText()
                && answer.role() == Role.ASSISTANT && answer.imageCount() == 1 && !answer.hasText();
    }

    /** True when the pair is rotated under this seed; about half of all pairs are. */
    static boolean chosen(Example e, long seed) {
        long h = contentHash(e.messages());
        return (mix(h ^ mix(seed)) >>> 63) == 1;
    }

    /** The conversation with the image in the prompt and the caption as the answer. */
    static List<Message> rotate(List<Message> messages) {
        List<Message> out = new ArrayList<>();
        int i = 0;
        while (messages.get(i).role() == Role.SYSTEM) {
            out.add(messages.get(i++));
        }
        Message user = messages.get(i);
        Message answer = messages.get(i + 1);
        Part image = answer.parts().stream().filter(p -> p instanceof Part.Image).findFirst().orElseThrow();
        out.add(Message.of(Role.USER, image));
        out.add(Message.text(Role.ASSISTANT, user.text()));
        return out;
    }

    private static List<Message> withoutSystem(List<Message> ms) {
        int i = 0;
        while (i < ms.size() && ms.get(i).role() == Role.SYSTEM) {
            i++;
        }
        return ms.subList(i, ms.size());
    }

    static long contentHash(List<Message> messages) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(ExampleJson.messagesToJson(messages).getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** SplitMix64's finaliser: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
