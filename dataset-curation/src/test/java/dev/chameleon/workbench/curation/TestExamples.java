package dev.chameleon.workbench.curation;

import dev.chameleon.workbench.curation.images.BadImageException;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Small hand-made examples for store and index tests. */
public final class TestExamples {

    private TestExamples() {
    }

    public static Example text(String prompt, String answer, int line) {
        return Example.of(List.of(Message.text(Role.USER, prompt), Message.text(Role.ASSISTANT, answer)),
                Category.TEXT, new Source("test.jsonl", line));
    }

    public static Example visualChat(String imageKey, String prompt, String answer, int line) {
        return Example.of(List.of(Message.of(Role.USER, Part.image(imageKey), Part.text(prompt)),
                Message.text(Role.ASSISTANT, answer)), Category.VISUAL_CHAT, new Source("test.jsonl", line));
    }

    /** A small PNG of one colour. */
    public static byte[] png(Color colour, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, size, size);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String storePng(ImageStore store, Color colour) {
        try {
            return store.put(png(colour, 16)).sha256();
        } catch (BadImageException e) {
            throw new IllegalStateException(e);
        }
    }
}
