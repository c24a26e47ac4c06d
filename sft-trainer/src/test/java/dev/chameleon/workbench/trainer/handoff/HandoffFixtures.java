package dev.chameleon.workbench.trainer.handoff;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;
import dev.chameleon.workbench.trainer.generate.TokenizerLoader;
import dev.chameleon.workbench.trainer.render.Fakes;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import dev.chameleon.workbench.trainer.train.TrainConfig;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run folder on a small synthetic snapshot (text, visual chat, image generation and a long multi-turn chat that
 * the packer cuts at turns), with stand-in tokenizers: one token per byte, and an image tokenizer of 4 codes per
 * picture. Rendering and packing need no native library, so tests over it stay in the unit tier.
 */
public final class HandoffFixtures {

    /** Image codes of the stand-in tokenizers. */
    public static final int CODEBOOK = 16;
    /** Packed window length of the fixture's run. */
    public static final int SEQ_LEN = 96;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private HandoffFixtures() {
    }

    /** Opens the stand-in tokenizers for any file. */
    public static TokenizerLoader loader() {
        return new TokenizerLoader() {
            @Override
            public TextTokenizer text(Path file) {
                return ByteTokenizer.smallest(CODEBOOK, 4);
            }

            @Override
            public ImageTokenizer image(Path file) {
                return new Fakes.CodeTokenizer(4, CODEBOOK);
            }
        };
    }

    /**
     * Writes the snapshot and tokenizer files under {@code data} and {@code runDir/run.yaml} (out_dir = runDir).
     *
     * @return the run.yaml
     */
    public static Path writeRun(Path runDir, Path data, int steps, int batchSize, int gradAccum, long seed)
            throws IOException {
        Path snapshot = Files.createDirectories(data.resolve("snapshot/images"));
        snapshot = snapshot.getParent();
        List<Example> examples = new ArrayList<>();
        String red = Fakes.key(1);
        String blue = Fakes.key(2);
        int line = 1;
        for (int i = 0; i < 12; i++) {
            examples.add(Example.of(List.of(Message.text(Role.USER, "what is " + i + " plus " + i + "?"),
                    Message.text(Role.ASSISTANT, "it is " + (2 * i) + ".")), Category.TEXT, new Source("s.jsonl", line++)));
            examples.add(Example.of(List.of(Message.of(Role.USER, Part.image(i % 2 == 0 ? red : blue),
                    Part.text("colour?")), Message.text(Role.ASSISTANT, i % 2 == 0 ? "red" : "blue")),
                    Category.VISUAL_CHAT, new Source("s.jsonl", line++)));
            examples.add(Example.of(List.of(Message.text(Role.USER, "draw a " + (i % 2 == 0 ? "red" : "blue")
                    + " square"), Message.of(Role.ASSISTANT, Part.image(i % 2 == 0 ? red : blue))),
                    Category.IMAGE_GENERATION, new Source("s.jsonl", line++)));
        }
        List<Message> longChat = new ArrayList<>();
        for (int turn = 0; turn < 4; turn++) {
            longChat.add(Message.text(Role.USER, "tell me more about the number " + turn));
            longChat.add(Message.text(Role.ASSISTANT, "the number " + turn + " comes after " + (turn - 1) + "."));
        }
        examples.add(Example.of(longChat, Category.TEXT, new Source("s.jsonl", line)));
        StringBuilder lines = new StringBuilder();
        for (Example e : examples) {
            lines.append(ExampleJson.toJson(e, sha -> "images/" + sha + ".png")).append('\n');
        }
        Files.writeString(snapshot.resolve("examples.jsonl"), lines);
        Files.writeString(snapshot.resolve("manifest.json"), "{\"content_hash\": \"sha256:fixture\"}");
        ImageIO.write(Fakes.solid(Color.RED, 8), "png", snapshot.resolve("images/" + red + ".png").toFile());
        ImageIO.write(Fakes.solid(Color.BLUE, 8), "png", snapshot.resolve("images/" + blue + ".png").toFile());
        Path text = Files.writeString(data.resolve("tokenizer.json"), "{\"stand-in\": \"bytes\"}");
        Path image = Files.createDirectories(data.resolve("image"));
        Files.writeString(image.resolve("image-tokenizer.ckpt"), "stand-in codes");

        TrainConfig c = new TrainConfig("tiny", snapshot.toString(), text.toString(), image.toString(),
                Map.of("text", 1.0, "visual_chat", 2.0, "image_generation", 1.0), SEQ_LEN, batchSize, gradAccum,
                steps, 1e-3, 1e-4, 0, 0.9, 0.95, 1e-5, 0.1, false, 1.0, 1e-5, 0.0, seed, steps, 1,
                runDir.toString());
        Files.createDirectories(runDir);
        Path yaml = runDir.resolve("run.yaml");
        Files.writeString(yaml, "# A run of the handoff tests.\n" + YAML.writeValueAsString(c));
        return yaml;
    }
}
