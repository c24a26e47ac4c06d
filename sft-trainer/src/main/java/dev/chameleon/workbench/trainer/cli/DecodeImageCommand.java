package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import javax.imageio.ImageIO;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code decode-image --image-tokenizer DIR --codes FILE|- --out PNG}. */
@Command(name = "decode-image", mixinStandardHelpOptions = true,
        description = "Decode codes (as encode-image prints them) to a PNG.")
final class DecodeImageCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--image-tokenizer", required = true, paramLabel = "DIR", description = "An image tokenizer folder.")
    Path imageTokenizer;

    @Option(names = "--codes", required = true, paramLabel = "FILE|-",
            description = "Codes separated by spaces, commas or lines; '-' reads standard input.")
    String codes;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "The PNG to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        String text = codes.equals("-")
                ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(Path.of(codes));
        int[] parsed = Codes.parse(text, "--codes");
        try (ImageTokenizer t = root.toolkit.loadImageTokenizer(imageTokenizer)) {
            if (parsed.length != t.codesPerImage()) {
                throw new IllegalArgumentException("--codes has " + parsed.length + " codes; this tokenizer decodes "
                        + "exactly " + t.codesPerImage() + " (use what encode-image printed)");
            }
            for (int i = 0; i < parsed.length; i++) {
                if (parsed[i] < 0 || parsed[i] >= t.codebookSize()) {
                    throw new IllegalArgumentException("--codes item " + i + " is " + parsed[i]
                            + ", outside the codebook [0, " + t.codebookSize() + ")");
                }
            }
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            ImageIO.write(t.decode(parsed), "png", out.toFile());
        }
        root.out.println(out.toAbsolutePath());
        return 0;
    }
}
