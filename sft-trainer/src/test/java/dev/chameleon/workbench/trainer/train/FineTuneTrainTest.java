package dev.chameleon.workbench.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.finetune.BaseModel;
import dev.chameleon.workbench.trainer.finetune.PeftAdapters;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.LoraConfig;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning from a checkpoint on the synthetic counting data of {@link TrainFixtures}: LoRA steps leave every base
 * weight bit-identical and move the adapters, Anole's recipe moves only the head's image rows, and a LoRA run's
 * checkpoints hold the adapters alone and load back over their base.
 */
@Tag("engine")
class FineTuneTrainTest {

    private static final LoraConfig LORA = new LoraConfig(4, 8, 0.0, LoraConfig.ALL_TARGETS);
    /** Token ids standing for image codes in the counting vocabulary (its targets run up to about 30). */
    private static final int[] IMAGE_ROWS = {8, 16};

    @TempDir
    Path tmp;

    /** A whole checkpoint of 2 full fine-tuning steps: the base the tests start from. */
    private Path baseRun() throws Exception {
        Path base = tmp.resolve("base");
        TrainFixtures.run(TrainFixtures.config(base, 2, 1e-2, 1, 0.0, 2, 1), false, null);
        return base;
    }

    private static Map<String, float[]> values(PairList<String, Parameter> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : params) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /** Runs {@code steps} optimizer steps of {@code c} on {@code net} as SftRun's loop does (one device). */
    private static void train(TrainConfig c, ChameleonModel net, NDManager m, int steps) {
        PairList<String, Parameter> trained = Trainable.select(c, net);
        AdamW opt = new AdamW(trained, m, c.beta1(), c.beta2(), c.eps(), c.weightDecay(), c.decayNormsAndEmbeddings(),
                Trainable.rowRanges(c, net, IMAGE_ROWS));
        DataParallel one = new DataParallel(net.getParameters(), List.of(Device.cpu()), m);
        WindowStream stream = new WindowStream(TrainFixtures.countingExamples(), c.categoryWeights(), c.seqLen(),
                TrainFixtures.PAD, c.seed(), 16);
        Batch batch = new Batch(c.batchSize(), c.seqLen());
        LrSchedule schedule = LrSchedule.of(c);
        for (int s = 0; s < steps; s++) {
            StepMetrics metrics = SftRun.step(c, s, net, one, opt, stream, batch, schedule, m);
            assertThat(metrics.loss()).isFinite();
        }
    }

    private ChameleonModel fromBase(NDManager m, TrainConfig c, Path base) throws Exception {
        ChameleonModel net = new ChameleonModel(c.withTraining(TrainFixtures.tinyModel()), c.lora());
        net.initialize(m, DataType.FLOAT32, new Shape(c.batchSize(), c.seqLen()));
        BaseModel.resolve(base.toString()).loadInto(net);
        return net;
    }

    @Test
    void loraStepsLeaveEveryBaseWeightBitIdenticalAndMoveTheAdapters() throws Exception {
        Path base = baseRun();
        TrainConfig c = TrainFixtures.config(tmp.resolve("lora"), 4, 1e-2, 1, 0.0, 4, 1)
                .fineTuning(base.toString(), LORA, TrainConfig.TRAIN_ALL);
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel net = fromBase(m, c, base);
            Map<String, float[]> baseBefore = values(net.baseParameters());
            Map<String, float[]> adaptersBefore = values(net.adapterParameters());
            train(c, net, m, 4);
            Map<String, float[]> baseAfter = values(net.baseParameters());
            for (String name : baseBefore.keySet()) {
                assertThat(Arrays.equals(baseAfter.get(name), baseBefore.get(name))).as(name + " unchanged").isTrue();
            }
            int moved = 0;
            for (Map.Entry<String, float[]> e : values(net.adapterParameters()).entrySet()) {
                moved += Arrays.equals(e.getValue(), adaptersBefore.get(e.getKey())) ? 0 : 1;
            }
            assertThat(moved).as("adapters that changed").isEqualTo(adaptersBefore.size());
            for (Pair<String, Parameter> p : net.baseParameters()) {
                assertThat(p.getValue().getArray().hasGradient()).as(p.getKey() + " keeps no gradient").isFalse();
            }
        }
    }

    @Test
    void anoleRecipeMovesOnlyTheHeadsImageRows() throws Exception {
        Path base = baseRun();
        TrainConfig c = TrainFixtures.config(tmp.resolve("anole"), 4, 1e-2, 1, 0.0, 4, 1)
                .fineTuning(base.toString(), null, TrainConfig.IMAGE_HEAD_ROWS);
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel net = fromBase(m, c, base);
            Map<String, float[]> before = values(net.getParameters());
            train(c, net, m, 4);
            int d = net.config().hidden();
            for (Map.Entry<String, float[]> e : values(net.getParameters()).entrySet()) {
                float[] was = before.get(e.getKey());
                if (!Trainable.isHead(e.getKey())) {
                    assertThat(Arrays.equals(e.getValue(), was)).as(e.getKey() + " unchanged").isTrue();
                    continue;
                }
                int imageChanged = 0;
                for (int row = 0; row < net.config().vocabSize(); row++) {
                    float[] now = Arrays.copyOfRange(e.getValue(), row * d, (row + 1) * d);
                    float[] old = Arrays.copyOfRange(was, row * d, (row + 1) * d);
                    boolean image = row >= IMAGE_ROWS[0] && row < IMAGE_ROWS[1];
                    if (!image) {
                        assertThat(Arrays.equals(now, old)).as("text row " + row + " bit-identical").isTrue();
                    } else if (!Arrays.equals(now, old)) {
                        imageChanged++;
                    }
                }
                assertThat(imageChanged).as("image rows that moved").isEqualTo(IMAGE_ROWS[1] - IMAGE_ROWS[0]);
            }
        }
    }

    @Test
    void loraRunCheckpointsHoldTheAdaptersAloneAndLoadOverTheirBase() throws Exception {
        Path base = baseRun();
        Path out = tmp.resolve("lora-run");
        TrainConfig c = TrainFixtures.config(out, 3, 1e-2, 1, 0.0, 3, 1)
                .fineTuning(base.toString(), LORA, TrainConfig.TRAIN_ALL);
        ModelConfig model = c.withTraining(TrainFixtures.tinyModel());
        SftRun.Result r = SftRun.run(c, model, TrainFixtures.countingExamples(), TrainFixtures.PAD,
                Provenance.of(c, model, null, Map.of()), false, new java.io.PrintWriter(new java.io.StringWriter()),
                null);
        Path step = r.checkpoints().get(r.checkpoints().size() - 1);
        try (DataInputStream in = new DataInputStream(Files.newInputStream(step.resolve(Checkpoint.MODEL)))) {
            int n = in.readInt();
            assertThat(n).isEqualTo(LORA.targets().size() * 2 * model.layers());
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                assertThat(ChameleonModel.isAdapterParameter(name)).as(name).isTrue();
                in.skipBytes(in.readInt() * 4);
            }
        }
        JsonNode prov = new ObjectMapper().readTree(step.resolve(Checkpoint.PROVENANCE).toFile());
        assertThat(prov.path("base").path("kind").asText()).isEqualTo("checkpoint");
        assertThat(prov.path("base").path("config_sha256").asText()).hasSize(64);
        assertThat(step.resolve(PeftAdapters.CONFIG)).isRegularFile();
        assertThat(step.resolve(PeftAdapters.WEIGHTS)).isRegularFile();

        try (NDManager m = NDManager.newBaseManager()) {
            // Adapter forward (base + unmerged adapters) against what generation loads (merged at load).
            ChameleonModel adapted = new ChameleonModel(model, LORA);
            adapted.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            BaseModel.loadCheckpoint(step, adapted);
            ChameleonModel merged = BaseModel.loadMerged(step, model, m);
            assertThat(merged.hasUnmergedAdapters()).isFalse();
            float[] a = LogitsFixture.logits(m, adapted);
            float[] b = LogitsFixture.logits(m, merged);
            assertThat(LogitsFixture.maxAbsDiff(a, b)).isLessThan(1e-5f);
            // The adapters moved away from zero, so the merged model differs from its base.
            ChameleonModel plain = new ChameleonModel(model);
            plain.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            BaseModel.resolve(base.toString()).loadInto(plain);
            assertThat(LogitsFixture.maxAbsDiff(a, LogitsFixture.logits(m, plain))).isGreaterThan(1e-6f);
        }

        // Resume repeats from the adapters: the run is complete, so it runs no more steps.
        SftRun.Result again = SftRun.run(c, model, TrainFixtures.countingExamples(), TrainFixtures.PAD,
                Provenance.of(c, model, null, Map.of()), true, new java.io.PrintWriter(new java.io.StringWriter()),
                null);
        assertThat(again.startStep()).isEqualTo(3);
        assertThat(again.stepsRun()).isZero();
    }
}
