package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import dev.chameleon.workbench.trainer.tokens.image.ImageLoader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code encode-image --image-tokenizer DIR IMAGE}: prints the codes, one raster row a line. */
@Command(name = "encode-image", mixinStandardHelpOptions = true,
        description = "Print an image's codes in raster order, one row a line.")
final class EncodeImageCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--image-tokenizer", required = true, paramLabel = "DIR", description = "An image tokenizer folder.")
    Path imageTokenizer;

    @Option(names = "--fit", defaultValue = "CENTER_CROP", paramLabel = "FIT",
            description = "CENTER_CROP (answers) or PAD (prompts); default: ${DEFAULT-VALUE}.")
    ImageFit fit;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A PNG, JPEG, GIF or BMP file.")
    Path image;

    @Override
    public Integer call() throws Exception {
        BufferedImage img = read(image);
        try (ImageTokenizer t = root.toolkit.loadImageTokenizer(imageTokenizer)) {
            int[] codes = t.encode(img, fit);
            int side = (int) Math.round(Math.sqrt(codes.length));
            int row = side * side == codes.length ? side : codes.length;
            for (int i = 0; i < codes.length; i += row) {
                root.out.println(Codes.join(java.util.Arrays.copyOfRange(codes, i, i + row)));
            }
        }
        return 0;
    }

    static BufferedImage read(Path p) throws java.io.IOException {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("image " + p + " does not exist");
        }
        return ImageLoader.load(p); // a clear error or a defined conversion for odd images

    }
}
