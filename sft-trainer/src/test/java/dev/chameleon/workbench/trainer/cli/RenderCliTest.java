package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;
import dev.chameleon.workbench.trainer.render.ChatRenderer;
import dev.chameleon.workbench.trainer.render.Fakes;
import dev.chameleon.workbench.trainer.render.RenderOptions;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sft-trainer command line over fake tokenizers: render shows the loss mask, count adds up and writes its figures. */
@Tag("unit")
class RenderCliTest {

    /** Fake tokenizers for any path; training writes a marker file. */
    static final class FakeToolkit implements Toolkit {
        @Override
        public TextTokenizer loadTextTokenizer(Path tokenizerJson) {
            if (!Files.exists(tokenizerJson)) {
                throw new IllegalArgumentException("tokenizer " + tokenizerJson + " does not exist");
            }
            return ByteTokenizer.smallest(16, 4);
        }

        @Override
        public ImageTokenizer loadImageTokenizer(Path dir) {
            return new Fakes.CodeTokenizer(4, 16);
        }

        @Override
        public void trainTextTokenizer(List<Path> inputs, int vocabSize, int codebookSize, Path out, PrintWriter p)
                throws IOException {
            Files.writeString(out, "{}");
        }

        @Override
        public void trainImageTokenizer(Path images, String config, Path out, int steps, int batch, float lr,
                PrintWriter p) {
        }
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = SftTrainerMain.commandLine(new FakeToolkit());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @TempDir
    Path tmp;
    Path snapshot;
    Path tokenizer;
    List<Example> examples = new ArrayList<>();

    @BeforeEach
    void snapshotFolder() throws IOException {
        snapshot = tmp.resolve("v0001");
        Files.createDirectories(snapshot.resolve("images"));
        tokenizer = Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        String red = Fakes.key(1);
        examples.add(Example.of(List.of(Message.text(Role.USER, "hi"), Message.text(Role.ASSISTANT, "yo")),
                Category.TEXT, new Source("s.jsonl", 1)));
        examples.add(Example.of(List.of(Message.of(Role.USER, Part.image(red), Part.text("colour?")),
                Message.text(Role.ASSISTANT, "red")), Category.VISUAL_CHAT, new Source("s.jsonl", 2)));
        for (int i = 0; i < 20; i++) {
            examples.add(Example.of(List.of(Message.text(Role.USER, "a red square " + i),
                    Message.of(Role.ASSISTANT, Part.image(red))), Category.IMAGE_GENERATION, new Source("s.jsonl", 3 + i)));
        }
        StringBuilder lines = new StringBuilder();
        for (Example e : examples) {
            lines.append(ExampleJson.toJson(e, sha -> "images/" + sha + ".png")).append('\n');
        }
        Files.writeString(snapshot.resolve("examples.jsonl"), lines);
        ImageIO.write(Fakes.solid(Color.RED, 8), "png", snapshot.resolve("images/" + red + ".png").toFile());
    }

    String[] render(String... extra) {
        List<String> args = new ArrayList<>(List.of("render", "--snapshot", snapshot.toString(), "--tokenizer",
                tokenizer.toString(), "--image-tokenizer", tmp.toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void renderMarksTheAnswerAndCollapsesImageCodes() {
        Run r = run(render("--example", "2"));
        assertThat(r.exit()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).contains("example 2").contains("visual_chat").contains("s.jsonl:2");
        assertThat(lines[1]).isEqualTo("36 tokens, 4 with loss (L), 4 image codes in 1 images");
        assertThat(r.out()).contains("-- message 1: user").contains("-- message 2: assistant");
        assertThat(r.out()).containsPattern("\\s+8-11\\s+image\\s+<img:4 codes>");

        // The loss column is empty up to the assistant's content: "r", "e", "d" and the end-of-turn carry L.
        List<String> marked = Arrays.stream(lines).filter(l -> l.matches("\\s*[\\d-]+  L .*")).toList();
        assertThat(marked).hasSize(4);
        assertThat(marked.get(0)).endsWith("text     r");
        assertThat(marked.get(3)).endsWith("special  <reserved08706>");
        assertThat(lines[lines.length - 1]).isEqualTo(marked.get(3));
    }

    @Test
    void renderWithRotationPutsTheImageInThePrompt() {
        ChatRenderer check = new ChatRenderer(ByteTokenizer.smallest(16, 4), new Fakes.CodeTokenizer(4, 16), null,
                RenderOptions.rotating(0));
        int n = 3;
        while (!check.rotates(examples.get(n - 1))) {
            n++;
        }
        Run plain = run(render("--example", String.valueOf(n)));
        assertThat(plain.out()).doesNotContain("rotated").containsPattern("L\\s+image\\s+<img:4 codes>");
        Run rotated = run(render("--example", String.valueOf(n), "--rotate"));
        assertThat(rotated.exit()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("rotated image-first").containsPattern("\\d+\\s+image\\s+<img:4 codes>")
                .doesNotContainPattern("L\\s+image");
    }

    @Test
    void badInputGivesOneLineAndAnExitCode() {
        Run missing = run(render("--example", "99"));
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err().strip()).startsWith("error: ").contains("has 22 examples").doesNotContain("\n");

        Run notSnapshot = run("render", "--snapshot", tmp.toString(), "--tokenizer", tokenizer.toString(),
                "--image-tokenizer", tmp.toString());
        assertThat(notSnapshot.err()).contains("not a snapshot folder");

        Run usage = run("render", "--snapshot", snapshot.toString());
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--tokenizer").contains("--help");
        assertThat(run("rendr").err()).contains("did you mean render");
    }

    @Test
    void countAddsUpPerCategory() {
        Run r = run("count", "--snapshot", snapshot.toString(), "--tokenizer", tokenizer.toString(),
                "--image-tokenizer", tmp.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("key bpe-[0-9a-f]{16}/n4")
                .containsPattern("Text\\s+1\\s")
                .containsPattern("Visual Chat\\s+1\\s+36\\s+4\\s+4\\s+1")
                .containsPattern("Image Generation\\s+20\\s")
                .containsPattern("Total\\s+22\\s");
    }

    @Test
    void countWritesItsFiguresAsJsonAndNeedsASnapshot() throws IOException {
        Path file = tmp.resolve("figures/counts.json");
        Run r = run("count", "--snapshot", snapshot.toString(), "--tokenizer", tokenizer.toString(),
                "--image-tokenizer", tmp.toString(), "--out", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        assertThat(r.out()).startsWith("key " + json.path("key").asText());
        assertThat(json.path("categories").path("visual_chat").path("tokens").asLong()).isEqualTo(36);
        assertThat(json.path("categories").path("visual_chat").path("loss_tokens").asLong()).isEqualTo(4);
        assertThat(json.path("categories").path("visual_chat").path("image_tokens").asLong()).isEqualTo(4);
        assertThat(json.path("total").path("examples").asLong()).isEqualTo(22);

        Run none = run("count", "--snapshot", tmp.resolve("nowhere").toString(), "--tokenizer", tokenizer.toString(),
                "--image-tokenizer", tmp.toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).startsWith("error: no snapshot at").contains("examples.jsonl");
        Run workspace = run("count", "--workspace", tmp.toString(), "--tokenizer", tokenizer.toString(),
                "--image-tokenizer", tmp.toString());
        assertThat(workspace.exit()).isEqualTo(2);
    }

    @Test
    void encodeAndDecodeRoundTrip() throws IOException {
        Run enc = run("encode-text", "--tokenizer", tokenizer.toString(), "hi!");
        assertThat(enc.exit()).isZero();
        Run dec = run(("decode-text --tokenizer " + tokenizer + " " + enc.out().strip()).split(" "));
        assertThat(dec.out().strip()).isEqualTo("hi!");

        Path png = tmp.resolve("red.png");
        ImageIO.write(Fakes.solid(Color.RED, 8), "png", png.toFile());
        Run codes = run("encode-image", "--image-tokenizer", tmp.toString(), png.toString());
        assertThat(codes.exit()).as(codes.err()).isZero();
        assertThat(codes.out().lines()).hasSize(2); // 4 codes: a 2x2 raster
        Path codeFile = Files.writeString(tmp.resolve("codes.txt"), codes.out());
        Path outPng = tmp.resolve("out/back.png");
        Run back = run("decode-image", "--image-tokenizer", tmp.toString(), "--codes", codeFile.toString(),
                "--out", outPng.toString());
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(ImageIO.read(outPng.toFile()).getWidth()).isEqualTo(16);

        Files.writeString(codeFile, "1 2 3");
        assertThat(run("decode-image", "--image-tokenizer", tmp.toString(), "--codes", codeFile.toString(),
                "--out", outPng.toString()).err()).contains("has 3 codes").contains("exactly 4");
    }

    @Test
    void theRealTextTokenizerTrainsEncodesAndDecodes() throws IOException {
        Path corpus = tmp.resolve("corpus");
        Files.createDirectories(corpus);
        StringBuilder words = new StringBuilder(); // enough distinct pairs to fill the vocabulary
        for (int i = 0; i < 3000; i++) {
            words.append(Integer.toString(i * 7919, 26)).append(i % 10 == 0 ? ".\n" : " ");
        }
        Files.writeString(corpus.resolve("a.txt"), "hello world, hello there. the world is wide.\n".repeat(50)
                + words + words);
        Files.writeString(corpus.resolve("b.txt"), "Ünïcödé 日本語 🙂 tabs\tand\nlines\n".repeat(20));
        Path json = tmp.resolve("out/tokenizer.json");
        Run train = real("train-text-tokenizer", "--input", corpus.toString(), snapshot.toString(),
                "--vocab-size", "400", "--codebook-size", "16", "--out", json.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(json).isRegularFile();

        String text = "hello world 日本 🙂";
        Run enc = real("encode-text", "--tokenizer", json.toString(), text);
        assertThat(enc.exit()).as(enc.err()).isZero();
        String[] ids = enc.out().strip().split(" ");
        assertThat(ids.length).isLessThan(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        List<String> args = new ArrayList<>(List.of("decode-text", "--tokenizer", json.toString()));
        args.addAll(Arrays.asList(ids));
        assertThat(real(args.toArray(String[]::new)).out()).isEqualTo(text + System.lineSeparator());
    }

    static Run real(String... args) {
        CommandLine cl = SftTrainerMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
