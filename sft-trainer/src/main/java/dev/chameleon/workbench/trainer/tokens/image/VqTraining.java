package dev.chameleon.workbench.trainer.tokens.image;

import dev.chameleon.workbench.trainer.tokens.ImageFit;
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

/**
 * The VQ image tokenizer recipe, top to bottom: load every image under a folder once (pre-processed,
 * centre-cropped to the resolution; unreadable ones skipped with a line each), then train on random batches
 * ({@link VqTrainer}), checkpointing into {@code OUT/image-tokenizer.ckpt} every 100 steps and at the end. A
 * checkpoint already there is resumed.
 */
public final class VqTraining {

    private VqTraining() {
    }

    /**
     * Trains the preset {@code config} for {@code steps} steps of {@code batchSize} images; the learning rate falls
     * along a cosine from {@code learningRate} to a tenth of it over those steps (a resumed run decays again).
     */
    public static void run(Path images, String config, Path out, int steps, int batchSize, float learningRate,
            PrintWriter progress) throws IOException {
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
        Path ckpt = out.resolve(VqImageTokenizer.CHECKPOINT);
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
}
