package dev.chameleon.workbench.web;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A small synthetic import file in OpenAI chat format, images inline as data URIs (drawn here, not real
 * photographs): four good records of four categories and two broken ones.
 */
public final class TestData {

    /** Records in {@link #jsonl()}: 4 good, 2 refused. */
    public static final int GOOD = 4;
    public static final int BROKEN = 2;

    private TestData() {
    }

    /** The fixture as JSONL text; lines 5 and 6 are the broken records. */
    public static String jsonl() {
        String circle = dataUri(shape(Color.RED, true));
        String square = dataUri(shape(Color.BLUE, false));
        return String.join("\n",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\""
                        + circle + "\"}},{\"type\":\"text\",\"text\":\"What shape is this?\"}]},"
                        + "{\"role\":\"assistant\",\"content\":\"A red circle on a white background.\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Paris is the capital of France.\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Write hello world in Python\"},"
                        + "{\"role\":\"assistant\",\"content\":\"```python\\nprint('hello world')\\n```\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the weather today\"},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Here is a square:\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + square + "\"}}]}]}",
                "{\"messages\":\"not a list\"}",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                        + "{\"url\":\"data:image/png;base64,AAAA\"}},{\"type\":\"text\",\"text\":\"broken\"}]},"
                        + "{\"role\":\"assistant\",\"content\":\"x\"}]}")
                + "\n";
    }

    public static byte[] jsonlBytes() {
        return jsonl().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the fixture to a file named {@code fixture.jsonl} in a folder. */
    public static Path writeJsonl(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("fixture.jsonl");
        Files.write(f, jsonlBytes());
        return f;
    }

    /** A 64x64 PNG: a filled circle or square of one colour on white. */
    public static byte[] shape(Color colour, boolean circle) {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 64, 64);
        g.setColor(colour);
        if (circle) {
            g.fillOval(12, 12, 40, 40);
        } else {
            g.fillRect(12, 12, 40, 40);
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** A folder under the build directory (target or the -Dwb.buildDir override) for test output. */
    public static Path buildDir(String child) throws IOException {
        Path dir = Path.of(System.getProperty("wb.buildDirectory", "target")).resolve(child);
        Files.createDirectories(dir);
        return dir;
    }
}
