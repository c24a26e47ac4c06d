package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.render.SnapshotExamples;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.image.ImageLoader;
import dev.chameleon.workbench.trainer.tokens.image.ImagePreprocessing;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.VqTrainer;
import dev.chameleon.workbench.trainer.tokens.text.BpeTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.BpeTrainer;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

    /**
     * Loads every image under {@code images} once (pre-processed, centre-cropped to the resolution; unreadable ones
     * skipped with a line each), then trains on random batches, checkpointing every 100 steps and at the end.
     */
    @Override
    public void trainImageTokenizer(Path images, String config, Path out, int steps, int batchSize,
                                    float learningRate, PrintWriter progress) throws IOException {
        VqConfig cfg = VqConfig.preset(config);
        int res = cfg.resolution();
        int stride = 3 * res * res;
        List<float[]> tensors = new ArrayList<>();
        try (Stream<Path> files = Files.walk(images)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                try {
                    BufferedImage img = ImagePreprocessing.fit(ImageLoader.load(f), res, ImageFit.CENTER_CROP);
                    float[] t = new float[stride];
                    ImagePreprocessing.toTensor(img, t, 0);
                    tensors.add(t);
                } catch (IllegalArgumentException e) {
                    progress.println("skipped " + f + ": " + e.getMessage());
                }
            }
        }
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("no usable image under " + images + " (PNG, JPEG, GIF or BMP)");
        }
        progress.printf("%d images at %d px, config %s: %d codes per image from %d%n", tensors.size(), res, config,
                cfg.codesPerImage(), cfg.codebookSize());
        Files.createDirectories(out);
        Path ckpt = out.resolve(CHECKPOINT);
        // The learning rate falls along a cosine to a tenth over this call's steps: a resumed run decays again.
        VqTrainer.Options options = VqTrainer.Options.defaults().withCosineDecay(learningRate, steps);
        Random random = new Random(options.seed());
        float[] batch = new float[batchSize * stride];
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("images", images.toAbsolutePath().toString());
        provenance.put("imageCount", Integer.toString(tensors.size()));
        provenance.put("preset", config);
        try (VqTrainer trainer = Files.exists(ckpt) ? VqTrainer.resume(ckpt, options) : VqTrainer.create(cfg, options)) {
            if (!trainer.model().config().equals(cfg)) {
                throw new IllegalArgumentException(ckpt + " holds another configuration than --config " + config
                        + "; use another --out folder or the same --config");
            }
            long start = trainer.step();
            for (int i = 0; i < steps; i++) {
                for (int b = 0; b < batchSize; b++) {
                    System.arraycopy(tensors.get(random.nextInt(tensors.size())), 0, batch, b * stride, stride);
                }
                VqTrainer.StepStats s = trainer.step(batch, batchSize);
                if ((i + 1) % 10 == 0 || i == steps - 1) {
                    progress.printf("step %d: loss %.4f (reconstruction %.4f), lr %.2e, %d of %d codes in use%n",
                            s.step(), s.loss(), s.reconstruction(), options.learningRateAt(i), s.codesInUse(),
                            cfg.codebookSize());
                }
                if ((i + 1) % 100 == 0 || i == steps - 1) {
                    trainer.save(ckpt, provenance);
                }
            }
            progress.printf("trained steps %d to %d; checkpoint %s%n", start + 1, trainer.step(), ckpt);
        }
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
