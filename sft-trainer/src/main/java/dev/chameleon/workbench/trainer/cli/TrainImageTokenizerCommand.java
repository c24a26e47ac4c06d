package dev.chameleon.workbench.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code train-image-tokenizer --images DIR --config small --out DIR [--steps N] [--batch-size B] [--lr RATE]}. */
@Command(name = "train-image-tokenizer", mixinStandardHelpOptions = true,
        description = "Train a VQ image tokenizer on a folder of images; "
        + "the folder --out holds its checkpoint (a run resumes from it).")
final class TrainImageTokenizerCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of training images.")
    Path images;

    @Option(names = "--config", defaultValue = "small", paramLabel = "NAME",
            description = "A named configuration, e.g. small (CPU) or chameleon (the paper's); default: ${DEFAULT-VALUE}.")
    String config;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the tokenizer to.")
    Path out;

    @Option(names = "--steps", defaultValue = "1000", paramLabel = "N", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "B", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "2e-4", paramLabel = "RATE",
            description = "Peak Adam learning rate; it falls along a cosine to a tenth of it over --steps "
                    + "(default: ${DEFAULT-VALUE}; the demo preset uses 2e-3).")
    float lr;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(images)) {
            throw new IllegalArgumentException("--images " + images + " is not a folder");
        }
        if (steps < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--steps and --batch-size must be at least 1");
        }
        if (!(lr > 0 && lr < 1)) {
            throw new IllegalArgumentException("--lr must be in (0, 1), e.g. 2e-4; got " + lr);
        }
        root.toolkit.trainImageTokenizer(images, config, out, steps, batchSize, lr, root.err);
        root.out.println(out.toAbsolutePath());
        return 0;
    }
}
