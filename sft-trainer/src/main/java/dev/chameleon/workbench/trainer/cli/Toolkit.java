package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * What the commands need from the tokenizer implementations: load and train. The commands are written against
 * this and the token interfaces only; {@link RealToolkit} binds the BPE and VQ implementations, tests bind fakes.
 */
interface Toolkit {

    TextTokenizer loadTextTokenizer(Path tokenizerJson) throws IOException;

    ImageTokenizer loadImageTokenizer(Path dir) throws IOException;

    /**
     * Trains a BPE vocabulary of {@code vocabSize} ids that reserves {@code codebookSize} image codes and writes
     * a tokenizer.json; progress lines go to {@code progress}.
     */
    void trainTextTokenizer(List<Path> inputs, int vocabSize, int codebookSize, Path out, PrintWriter progress)
            throws IOException;

    /**
     * Trains a VQ image tokenizer of a named configuration on a folder of images for {@code steps} steps of
     * {@code batchSize} images, writing checkpoints into the folder {@code out} (resuming from one found there);
     * the learning rate falls along a cosine from {@code learningRate} to a tenth of it over those steps.
     */
    void trainImageTokenizer(Path images, String config, Path out, int steps, int batchSize, float learningRate,
            PrintWriter progress)
            throws IOException;
}
