package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.render.SnapshotExamples;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.VqTraining;
import dev.chameleon.workbench.trainer.tokens.text.BpeTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.BpeTrainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The toolkit over the BPE text tokenizer and the VQ image tokenizer of this module. */
final class RealToolkit implements Toolkit {

    /** The checkpoint file inside an image tokenizer folder. */
    static final String CHECKPOINT = VqImageTokenizer.CHECKPOINT;

    /** Spare special ids after end-of-turn in vocabularies we train. */
    static final int RESERVED_SPECIALS = 8;

    @Override
    public TextTokenizer loadTextTokenizer(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("tokenizer " + tokenizerJson + " does not exist; train one with "
                    + "train-text-tokenizer or pass a tokenizer.json");
        }
        return BpeTokenizer.load(tokenizerJson);
    }

    @Override
    public ImageTokenizer loadImageTokenizer(Path dirOrFile) throws IOException {
        return VqImageTokenizer.load(checkpoint(dirOrFile));
    }

    /** The checkpoint of an image tokenizer folder ({@value #CHECKPOINT}), or the file itself. */
    static Path checkpoint(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(CHECKPOINT) : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no image tokenizer at " + dirOrFile + " (expected the folder "
                    + "train-image-tokenizer wrote, holding " + CHECKPOINT + ", or a checkpoint file)");
        }
        return file;
    }

    @Override
    public void trainTextTokenizer(List<Path> inputs, int vocabSize, int codebookSize, Path out, PrintWriter progress)
            throws IOException {
        BpeTrainer trainer = new BpeTrainer(VocabularyLayout.standard(vocabSize, codebookSize, RESERVED_SPECIALS))
                .progress(new Throttled(progress));
        for (Path input : inputs) {
            if (Files.isRegularFile(input.resolve("examples.jsonl"))) {
                SnapshotExamples.forEach(input, e -> trainer.addText(e.allText()));
            } else if (Files.isDirectory(input)) {
                try (Stream<Path> files = Files.walk(input)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        trainer.addFile(f);
                    }
                }
            } else {
                trainer.addFile(input);
            }
        }
        BpeTokenizer tokenizer = trainer.train();
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        tokenizer.save(out);
    }

    @Override
    public void trainImageTokenizer(Path images, String config, Path out, int steps, int batchSize,
                                    float learningRate, PrintWriter progress) throws IOException {
        VqTraining.run(images, config, out, steps, batchSize, learningRate, progress);
    }

    /** Progress lines at most once a second, and at the end of each phase. */
    private static final class Throttled implements BpeTrainer.Progress {
        private final PrintWriter out;
        private long last;

        Throttled(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void report(String phase, long done, long total) {
            long now = System.nanoTime();
            if (now - last > 1_000_000_000L || (total > 0 && done >= total)) {
                last = now;
                out.printf("%s: %,d%s%n", phase, done, total > 0 ? " of " + String.format("%,d", total) : "");
            }
        }
    }
}
