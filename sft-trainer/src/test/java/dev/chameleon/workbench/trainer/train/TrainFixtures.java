package dev.chameleon.workbench.trainer.train;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.render.Modality;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Synthetic data (generated here, not real data): counting sequences. Each example is a 3-token prompt
 * (no loss) "BOS, start, start+1" followed by an answer continuing the count, so the answer is learnable from
 * the prompt and a tiny model fits it in a few dozen steps.
 */
final class TrainFixtures {

    static final int VOCAB = 32;
    static final int PAD = 1;

    private TrainFixtures() {
    }

    static ModelConfig tinyModel() {
        return ModelConfig.of(VOCAB, 32, 1, 2, 2, 64, 64);
    }

    static List<RenderedExample> countingExamples() {
        List<RenderedExample> out = new ArrayList<>();
        for (int start = 2; start < 20; start++) {
            int len = 6 + start % 5;
            int[] tokens = new int[len];
            boolean[] loss = new boolean[len];
            byte[] modality = new byte[len];
            tokens[0] = 0;
            modality[0] = Modality.SPECIAL.code();
            for (int i = 1; i < len; i++) {
                tokens[i] = start + i - 1;
                loss[i] = i >= 3;
                modality[i] = Modality.TEXT.code();
            }
            Category c = start % 2 == 0 ? Category.TEXT : Category.CODE;
            out.add(new RenderedExample(c, false, tokens, loss, modality, List.of(), List.of()));
        }
        return out;
    }

    static TrainConfig config(Path out, int steps, double lr, int accum, double dropout, int checkpointEvery,
            int keepLast) {
        return new TrainConfig("tiny", "none", "none", "none", Map.of("text", 1.0, "code", 1.0), 32, 4, accum, steps,
                lr, lr / 10, Math.min(5, steps), 0.9, 0.95, 1e-5, 0.1, false, 1.0, 1e-4, dropout, 7,
                checkpointEvery, keepLast, out.toString(), "cpu");
    }

    /** A small run config on {@code devices} (the rest as {@link #config} with 2 steps). */
    static TrainConfig configOn(Path out, String devices) {
        TrainConfig c = config(out, 2, 1e-3, 1, 0.0, 2, 1);
        return new TrainConfig(c.model(), c.snapshot(), c.textTokenizer(), c.imageTokenizer(), c.mix(), c.seqLen(),
                c.batchSize(), c.gradAccum(), c.steps(), c.lr(), c.minLr(), c.warmupSteps(), c.beta1(), c.beta2(),
                c.eps(), c.weightDecay(), c.decayNormsAndEmbeddings(), c.clipNorm(), c.zLossWeight(), c.dropout(),
                c.seed(), c.checkpointEvery(), c.keepLast(), c.outDir(), devices);
    }

    /** Runs {@code c} and returns the metrics of every step it ran, gathered through the step listener. */
    static List<StepMetrics> runCollecting(TrainConfig c, boolean resume) throws Exception {
        List<StepMetrics> out = new ArrayList<>();
        run(c, resume, (m, mgr) -> out.add(m));
        return out;
    }

    static SftRun.Result run(TrainConfig c, boolean resume, SftRun.StepListener listener) throws Exception {
        ModelConfig model = c.withTraining(tinyModel());
        Provenance p = Provenance.of(c, model, null, Map.of());
        return SftRun.run(c, model, countingExamples(), PAD, p, resume, new PrintWriter(new StringWriter()), listener);
    }
}
