package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.generate.GenerationEvent;
import dev.chameleon.workbench.trainer.generate.GenerationException;
import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.GenerationResult;
import dev.chameleon.workbench.trainer.generate.Generator;
import dev.chameleon.workbench.trainer.generate.Guidance;
import dev.chameleon.workbench.trainer.generate.Mode;
import dev.chameleon.workbench.trainer.generate.Sampling;
import dev.chameleon.workbench.trainer.generate.TokenizerLoader;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.ImageLoader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code generate --checkpoint DIR --prompt TEXT [--image FILE]... [--mode text|image|interleaved] [--out DIR]}:
 * streams the answer's text to standard output as it is generated, image progress to standard error, and with
 * {@code --out} writes {@code answer.txt} and {@code image-1.png}, {@code image-2.png}, ...
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Answer a prompt (text and images) with a trained checkpoint, streaming "
        + "text to stdout; --out DIR writes answer.txt and the images as PNG.")
final class GenerateCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "A checkpoint folder (RUN/checkpoints/step-N) or a run folder (its newest checkpoint).")
    Path checkpoint;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The user's message.")
    String prompt;

    @Option(names = "--image", paramLabel = "FILE", description = "An image in the prompt (repeatable).")
    List<Path> images = new ArrayList<>();

    @Option(names = "--mode", defaultValue = "interleaved", paramLabel = "MODE",
            description = "text, image or interleaved; default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--out", paramLabel = "DIR", description = "Write answer.txt and image-N.png here.")
    Path out;

    @Option(names = "--max-new-tokens", defaultValue = "512", paramLabel = "N",
            description = "Most tokens to generate (image codes count); default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0.7", description = "Default: ${DEFAULT-VALUE}; 0 = greedy.")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.9", description = "Default: ${DEFAULT-VALUE}.")
    double topP;

    @Option(names = "--top-k", defaultValue = "0", description = "Default: ${DEFAULT-VALUE} (off).")
    int topK;

    @Option(names = "--repetition-penalty", defaultValue = "1.2", description = "Text only; default: ${DEFAULT-VALUE}.")
    double repetitionPenalty;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--guidance-text", defaultValue = "3.0", description = "CFG weight g_txt; default: ${DEFAULT-VALUE}.")
    double guidanceText;

    @Option(names = "--guidance-image", defaultValue = "1.2", description = "CFG weight g_img; default: ${DEFAULT-VALUE}.")
    double guidanceImage;

    @Option(names = "--no-guidance", description = "Decode image codes from the full prompt only.")
    boolean noGuidance;

    @Override
    public Integer call() throws Exception {
        Mode m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "text" -> Mode.TEXT;
            case "image" -> Mode.IMAGE;
            case "interleaved" -> Mode.INTERLEAVED;
            default -> throw new IllegalArgumentException("--mode " + mode + " is not known; use text, image or interleaved");
        };
        List<BufferedImage> pictures = new ArrayList<>();
        for (Path p : images) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("--image " + p + " does not exist; give a PNG, JPEG, GIF or BMP file");
            }
            try {
                pictures.add(ImageLoader.load(p));
            } catch (IllegalArgumentException | IOException e) {
                throw new IllegalArgumentException("--image " + p + " cannot be read: " + e.getMessage());
            }
        }
        TokenizerLoader loader = new TokenizerLoader() {
            @Override
            public TextTokenizer text(Path file) throws IOException {
                return root.toolkit.loadTextTokenizer(file);
            }

            @Override
            public ImageTokenizer image(Path file) throws IOException {
                return root.toolkit.loadImageTokenizer(file);
            }
        };
        if (out != null) {
            Files.createDirectories(out);
        }
        try (Generator g = Generator.load(checkpoint, loader)) {
            GenerationRequest request = new GenerationRequest(prompt, pictures, m,
                    new Sampling(temperature, topP, topK, repetitionPenalty, seed),
                    noGuidance ? Guidance.off() : new Guidance(guidanceText, guidanceImage), maxNewTokens);
            GenerationResult r = g.generate(request, this::show, () -> false);
            root.out.println();
            root.out.flush();
            if (out != null) {
                Files.writeString(out.resolve("answer.txt"), r.text(), StandardCharsets.UTF_8);
                for (int i = 0; i < r.images().size(); i++) {
                    ImageIO.write(r.images().get(i), "png", out.resolve("image-" + (i + 1) + ".png").toFile());
                }
            }
            root.err.printf(Locale.ROOT, "%d prompt tokens, %d generated, %d image(s), stopped: %s, %.2f s%s%n",
                    r.promptTokens(), r.tokens().size(), r.images().size(), r.stopReason(), r.seconds(),
                    out == null ? "" : "; written to " + out);
        } catch (GenerationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return 0;
    }

    private void show(GenerationEvent e) {
        if (e instanceof GenerationEvent.Text t) {
            root.out.print(t.piece());
            root.out.flush();
        } else if (e instanceof GenerationEvent.PartialImage p) {
            root.err.printf("[image %d: %d codes]%n", p.imageIndex() + 1, p.codes());
        } else if (e instanceof GenerationEvent.ImageDone d) {
            root.out.print("[image " + (d.imageIndex() + 1) + "]");
            root.out.flush();
        }
    }
}
