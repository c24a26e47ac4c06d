package dev.chameleon.workbench.trainer.tokens.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine-bound (DJL + PyTorch CPU) tests of the VQ model and its trainer on tiny synthetic images. */
@Tag("engine")
class VqTrainerTest {

    private static final VqConfig TINY = VqConfig.tiny();

    private static VqTrainer.Options options(float lr, int deadAfter, int restartEvery) {
        return new VqTrainer.Options(lr, VqTrainer.Reconstruction.L2, deadAfter, restartEvery, 7, 0);
    }

    @Test
    void encodeGivesCodesPerImageInRangeAndDecodeGivesTheResolution() throws IOException {
        try (VqImageTokenizer tok = VqImageTokenizer.untrained(TINY, 1)) {
            BufferedImage img = VqTestImages.shapes(40, new Random(1));
            int[] codes = tok.encode(img, ImageFit.CENTER_CROP);
            assertThat(codes).hasSize(TINY.codesPerImage());
            assertThat(java.util.Arrays.stream(codes).allMatch(c -> c >= 0 && c < TINY.codebookSize())).isTrue();
            BufferedImage out = tok.decode(codes);
            assertThat(out.getWidth()).isEqualTo(16);
            assertThat(out.getHeight()).isEqualTo(16);
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(tok.decodePng(codes)));
            assertThat(png.getWidth()).isEqualTo(16);
            assertThatThrownBy(() -> tok.decode(new int[3])).hasMessageContaining("expected exactly 64");
            int[] bad = codes.clone();
            bad[5] = TINY.codebookSize();
            assertThatThrownBy(() -> tok.decode(bad)).hasMessageContaining("outside the codebook");
        }
    }

    @Test
    void nearestUpsamplingRepeatsEachPixel() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(1, 1, 2, 2));
            float[] up = x.repeat(2, 2).repeat(3, 2).toFloatArray();
            assertThat(up).containsExactly(1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
        }
    }

    @Test
    void trainingReducesTheLossWithFiniteGradientsEvenAfterAGc() {
        Random rnd = new Random(3);
        List<float[]> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batches.add(VqTestImages.batch(8, 16, rnd));
        }
        try (VqTrainer withGc = VqTrainer.create(TINY, options(2e-3f, 50, 10));
             VqTrainer plain = VqTrainer.create(TINY, options(2e-3f, 50, 10))) {
            withGc.beforeBackward = System::gc;
            VqTrainer.StepStats a = withGc.step(batches.get(0), 8);
            VqTrainer.StepStats b = plain.step(batches.get(0), 8);
            // Same seed, same batch: a GC between forward and backward must not change the gradient.
            assertThat(a.gradientNorm()).isFinite().isGreaterThan(0);
            assertThat(a.gradientNorm()).isEqualTo(b.gradientNorm());
            withGc.beforeBackward = () -> { };
            float first = a.loss();
            float last = 0;
            for (int i = 1; i < 60; i++) {
                VqTrainer.StepStats s = withGc.step(batches.get(i % batches.size()), 8);
                assertThat(s.loss()).isFinite();
                assertThat(s.gradientNorm()).isFinite();
                last = s.loss();
            }
            assertThat(last).isLessThan(first * 0.6f);
        }
    }

    @Test
    void stepsAreBitIdenticalWhenFreedNativeMemoryHoldsNaN() {
        // A kernel that reads memory it never wrote turns NaN here on every run, not only on an unlucky one.
        float[] batch = VqTestImages.batch(8, 16, new Random(13));
        try (VqTrainer poisoned = VqTrainer.create(TINY, options(1e-3f, 50, 0));
             VqTrainer plain = VqTrainer.create(TINY, options(1e-3f, 50, 0))) {
            poisoned.beforeBackward = () -> FreedMemory.poison(poisoned.manager());
            for (int i = 0; i < 2; i++) {
                VqTrainer.StepStats a = poisoned.step(batch, 8);
                VqTrainer.StepStats b = plain.step(batch, 8);
                assertThat(a.gradientNorm()).isFinite().isEqualTo(b.gradientNorm());
                assertThat(a.loss()).isEqualTo(b.loss());
            }
            assertThat(weights(poisoned)).containsExactly(weights(plain));
        }
    }

    @Test
    void cosineScheduleFallsToATenthAndCountsFromTheFirstStep() {
        VqTrainer.Options o = options(2e-3f, 50, 0).withCosineDecay(2e-3f, 100);
        assertThat(o.learningRateAt(0)).isEqualTo(2e-3f);
        assertThat(o.learningRateAt(50)).isCloseTo(1.1e-3f, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(o.learningRateAt(100)).isCloseTo(2e-4f, org.assertj.core.data.Offset.offset(1e-9f));
        assertThat(o.learningRateAt(500)).isEqualTo(o.learningRateAt(100));
        for (int i = 1; i <= 100; i++) {
            assertThat(o.learningRateAt(i)).isLessThan(o.learningRateAt(i - 1));
        }
        assertThat(options(2e-3f, 50, 0).learningRateAt(1_000)).isEqualTo(2e-3f);
        assertThatThrownBy(() -> new VqTrainer.Options(1e-3f, VqTrainer.Reconstruction.L2, 1, 0, 1, -1))
                .hasMessageContaining("decaySteps");
    }

    @Test
    void adamStepsWithTheScheduledLearningRate() {
        // Two trainers from the same seed see the same batches; one decays to a tenth after its first step. Their
        // first updates are equal; the second update starts from equal weights and equal Adam moments, so the
        // decaying one must move every weight by a tenth of what the constant one moves it.
        float[] batch = VqTestImages.batch(8, 16, new Random(9));
        try (VqTrainer constant = VqTrainer.create(TINY, options(1e-3f, 50, 0));
             VqTrainer decaying = VqTrainer.create(TINY, options(1e-3f, 50, 0).withCosineDecay(1e-3f, 1))) {
            constant.step(batch, 8);
            decaying.step(batch, 8);
            float[] start = weights(constant);
            assertThat(weights(decaying)).containsExactly(start, org.assertj.core.data.Offset.offset(1e-6f));
            constant.step(batch, 8);
            decaying.step(batch, 8);
            float[] a = weights(constant);
            float[] b = weights(decaying);
            double moveConstant = 0;
            double moveDecaying = 0;
            for (int i = 0; i < start.length; i++) {
                moveConstant += Math.abs(a[i] - start[i]);
                moveDecaying += Math.abs(b[i] - start[i]);
            }
            assertThat(moveConstant).isGreaterThan(0);
            assertThat(moveDecaying / moveConstant).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));
        }
    }

    /** Every weight of the model, codebook included (restarts are off), concatenated. */
    private static float[] weights(VqTrainer t) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (var p : t.model().getParameters()) {
            float[] w = p.getValue().getArray().toFloatArray();
            parts.add(w);
            n += w.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] w : parts) {
            System.arraycopy(w, 0, out, at, w.length);
            at += w.length;
        }
        return out;
    }

    @Test
    void deadCodeRestartRevivesUnusedCodes() {
        Random rnd = new Random(5);
        float[] batch = VqTestImages.batch(8, 16, rnd);
        int withoutRestarts;
        try (VqTrainer t = VqTrainer.create(TINY, options(1e-3f, 3, 0))) {
            for (int i = 0; i < 9; i++) {
                t.step(batch, 8);
            }
            withoutRestarts = t.codesInUse();
        }
        try (VqTrainer t = VqTrainer.create(TINY, options(1e-3f, 3, 3))) {
            int restarted = 0;
            for (int i = 0; i < 9; i++) {
                restarted += t.step(batch, 8).restarted();
            }
            assertThat(restarted).isGreaterThan(0);
            assertThat(t.codesInUse()).isGreaterThan(withoutRestarts);
            assertThat(t.codesInUse()).isGreaterThanOrEqualTo(TINY.codebookSize() / 2);
        }
    }

    @Test
    void checkpointRoundTripGivesIdenticalCodesAndResumes(@TempDir Path dir) throws IOException {
        Random rnd = new Random(9);
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            images.add(VqTestImages.shapes(16, rnd));
        }
        Path file = dir.resolve("vq.ckpt");
        int[][] before;
        try (VqTrainer t = VqTrainer.create(TINY, options(1e-3f, 50, 10))) {
            for (int i = 0; i < 3; i++) {
                t.step(VqTestImages.batch(4, 16, rnd), 4);
            }
            before = t.tokenizer().encodeFitted(images);
            t.save(file, Map.of("dataset", "synthetic"));
        }
        assertThat(Files.list(dir)).containsExactly(file);
        try (VqImageTokenizer tok = VqImageTokenizer.load(file)) {
            assertThat(tok.encodeFitted(images)).isDeepEqualTo(before);
            assertThat(tok.config()).isEqualTo(TINY);
        }
        try (VqTrainer resumed = VqTrainer.resume(file, options(1e-3f, 50, 10))) {
            assertThat(resumed.step()).isEqualTo(3);
            assertThat(resumed.step(VqTestImages.batch(4, 16, rnd), 4).loss()).isFinite();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 10] ^= 0x55;
        Path corrupt = dir.resolve("corrupt.ckpt");
        Files.write(corrupt, bytes);
        assertThatThrownBy(() -> VqImageTokenizer.load(corrupt)).hasMessageContaining("SHA-256");
    }

    @Test
    void nativeMemoryStaysFlatAcrossSteps() {
        Random rnd = new Random(11);
        float[] batch = VqTestImages.batch(4, 16, rnd);
        try (VqTrainer t = VqTrainer.create(TINY, options(1e-3f, 50, 5))) {
            t.step(batch, 4);
            t.step(batch, 4);
            int after2 = t.manager().getManagedArrays().size();
            for (int i = 0; i < 20; i++) {
                t.step(batch, 4);
            }
            int after22 = t.manager().getManagedArrays().size();
            assertThat(after22).isLessThanOrEqualTo(after2);
        }
    }
}
