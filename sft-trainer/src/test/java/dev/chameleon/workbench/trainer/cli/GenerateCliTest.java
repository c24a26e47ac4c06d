package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.recipe.SftRecipe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;
import dev.chameleon.workbench.trainer.generate.GenFixtures;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine-bound (PyTorch CPU), fake tokenizers (N = 4): {@code generate} streams and writes text and PNGs. */
@Tag("engine")
class GenerateCliTest {

    @TempDir
    Path tmp;

    @Test
    void writesTheAnswerAndItsImagesToOut() throws Exception {
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(128), 5, true);
        Path picture = tmp.resolve("in.png");
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        img.setRGB(4, 4, Color.BLUE.getRGB());
        ImageIO.write(img, "png", picture.toFile());
        Path out = tmp.resolve("answer");

        RenderCliTest.Run r = RenderCliTest.run("generate", "--checkpoint", run.toString(), "--prompt", "draw it",
                "--image", picture.toString(), "--mode", "image", "--out", out.toString(), "--seed", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("[image 1]");
        assertThat(r.err()).contains("1 image(s)").contains("stopped: end_of_turn");
        assertThat(Files.exists(out.resolve("answer.txt"))).isTrue();
        BufferedImage png = ImageIO.read(out.resolve("image-1.png").toFile());
        assertThat(png.getWidth()).isEqualTo(16);

        RenderCliTest.Run t = RenderCliTest.run("generate", "--checkpoint", run.toString(), "--prompt", "say hi",
                "--mode", "text", "--max-new-tokens", "12", "--out", out.toString());
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.out().strip()).isEqualTo(Files.readString(out.resolve("answer.txt")).strip());
    }

    @Test
    void generatesFromARunFolderThatTrainJustWrote() throws Exception {
        Path snapshot = Files.createDirectories(tmp.resolve("v0001"));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            Example e = Example.of(List.of(Message.text(Role.USER, "count " + i),
                    Message.text(Role.ASSISTANT, "ok " + (i + 1))), Category.TEXT, new Source("s.jsonl", i + 1));
            lines.append(ExampleJson.toJson(e, sha -> "images/" + sha + ".png")).append('\n');
        }
        Files.writeString(snapshot.resolve("examples.jsonl"), lines);
        Files.writeString(snapshot.resolve("manifest.json"), "{\"content_hash\": \"abc123\"}");
        Path tokenizer = Files.writeString(tmp.resolve("tokenizer.json"), "{\"v\": 1}");
        Path vq = Files.createDirectories(tmp.resolve("vq"));
        Files.writeString(vq.resolve("image-tokenizer.ckpt"), "vq");
        Path run = tmp.resolve("run");
        Path config = tmp.resolve("run.yaml");
        Files.writeString(config, String.join("\n",
                "# train --config run.yaml (test)",
                "model: tiny", "snapshot: " + snapshot, "text_tokenizer: " + tokenizer, "image_tokenizer: " + vq,
                "mix: {text: 1.0}", "seq_len: 64", "batch_size: 2", "grad_accum: 1", "steps: 2",
                "lr: 1.0e-3", "min_lr: 1.0e-4", "warmup_steps: 1", "beta1: 0.9", "beta2: 0.95", "eps: 1.0e-5",
                "weight_decay: 0.1", "decay_norms_and_embeddings: false", "clip_norm: 1.0", "z_loss_weight: 1.0e-5",
                "dropout: 0.0", "seed: 3", "checkpoint_every: 2", "keep_last: 1", "out_dir: " + run, "devices: cpu", ""));
        RenderCliTest.Run trained = RenderCliTest.run("train", "--config", config.toString());
        assertThat(trained.exit()).as(trained.err()).isZero();
        assertThat(run.resolve("tokenizers/tokenizer.json")).hasContent("{\"v\": 1}");
        Files.delete(tokenizer);                  // the run folder alone must be enough

        RenderCliTest.Run r = RenderCliTest.run("generate", "--checkpoint", run.toString(), "--prompt", "count 3",
                "--mode", "interleaved", "--max-new-tokens", "16");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("generated");

        Files.writeString(run.resolve("tokenizers/tokenizer.json"), "{\"v\": 2}");
        RenderCliTest.Run changed = RenderCliTest.run("generate", "--checkpoint", run.toString(), "--prompt", "x");
        assertThat(changed.exit()).isEqualTo(1);
        assertThat(changed.err()).startsWith("error: the text tokenizer").contains("is not the one");
    }

    @Test
    void trainingCopiesItsTokenizersIntoTheRunFolder() throws Exception {
        Path text = Files.writeString(tmp.resolve("my-vocab.json"), "{}");
        Path vq = Files.createDirectories(tmp.resolve("vq"));
        Path ckpt = Files.writeString(vq.resolve("image-tokenizer.ckpt"), "vq");
        SftRecipe.copyTokenizers(tmp.resolve("run"), text, ckpt);
        assertThat(tmp.resolve("run/tokenizers/my-vocab.json")).hasContent("{}");
        assertThat(tmp.resolve("run/tokenizers/image/image-tokenizer.ckpt")).hasContent("vq");
    }

    @Test
    void badInputIsOneClearErrorLine() throws Exception {
        RenderCliTest.Run missing = RenderCliTest.run("generate", "--checkpoint", tmp.resolve("none").toString(),
                "--prompt", "x");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: checkpoint").contains("does not exist");

        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(128), 5, true);
        Path broken = Files.writeString(tmp.resolve("broken.png"), "not a png");
        RenderCliTest.Run image = RenderCliTest.run("generate", "--checkpoint", run.toString(), "--prompt", "x",
                "--image", broken.toString());
        assertThat(image.exit()).isEqualTo(1);
        assertThat(image.err()).startsWith("error: --image").contains("broken.png");

        RenderCliTest.Run mode = RenderCliTest.run("generate", "--checkpoint", run.toString(), "--prompt", "x",
                "--mode", "video");
        assertThat(mode.exit()).isEqualTo(1);
        assertThat(mode.err()).contains("text, image or interleaved");
    }
}
