package dev.chameleon.workbench.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code train-text-tokenizer --input FILE|DIR... --vocab-size N --codebook-size K --out tokenizer.json}. */
@Command(name = "train-text-tokenizer", mixinStandardHelpOptions = true,
        description = "Train a byte-level BPE vocabulary that reserves the special "
        + "tokens and a block of image codes; write a Hugging Face tokenizer.json.")
final class TrainTextTokenizerCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "FILE|DIR",
            description = "Text files, folders of them, or snapshot folders (their examples' text is used).")
    List<Path> inputs;

    @Option(names = "--vocab-size", required = true, paramLabel = "N",
            description = "Ids in the whole vocabulary, specials and image codes included (65536 for the paper).")
    int vocabSize;

    @Option(names = "--codebook-size", defaultValue = "8192", paramLabel = "K",
            description = "Image codes to reserve; must equal the image tokenizer's codebook (default: ${DEFAULT-VALUE}).")
    int codebookSize;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The tokenizer.json to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (Path p : inputs) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("--input " + p + " does not exist");
            }
        }
        if (codebookSize <= 0 || vocabSize <= codebookSize) {
            throw new IllegalArgumentException("--vocab-size " + vocabSize + " must be larger than --codebook-size "
                    + codebookSize + " (which must be positive): the vocabulary holds the image codes too");
        }
        root.toolkit.trainTextTokenizer(inputs, vocabSize, codebookSize, out, root.err);
        root.out.println(out.toAbsolutePath());
        return 0;
    }
}
