package dev.chameleon.workbench.trainer.train;

import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine-bound (PyTorch CPU), a few seconds: the data-parallel path with two replicas, both on the CPU (so it runs
 * without a GPU), trains exactly like one device. Each micro-batch of 4 windows is split into two slices of 2, each
 * slice runs forward and backward on its own replica, the replica's gradients are summed onto the first, AdamW
 * steps there and the new weights are copied back. Dropout is off: with it on, the slices draw their masks in
 * another order than one device does.
 */
@Tag("engine")
class TrainDataParallelTest {

    @TempDir
    Path dir;

    @Test
    void twoReplicasOnTheCpuMatchOneDevice() throws Exception {
        List<StepMetrics> single = run("single", List.of(Device.cpu()), new StringWriter());
        StringWriter console = new StringWriter();
        List<StepMetrics> split = run("split", List.of(Device.cpu(), Device.cpu()), console);
        assertThat(console.toString()).contains("data parallel over [cpu(), cpu()]");

        assertThat(split).hasSize(single.size());
        for (int i = 0; i < single.size(); i++) {
            StepMetrics a = single.get(i);
            StepMetrics b = split.get(i);
            // Step 1's loss checks the split forward, its grad norm the gradient sum; later steps check the
            // AdamW update and the broadcast of the new weights to the second replica.
            assertThat(b.loss()).as("loss at step %d", a.step()).isCloseTo(a.loss(), within(1e-5));
            assertThat(b.gradNorm()).as("grad norm at step %d", a.step()).isCloseTo(a.gradNorm(), within(1e-4));
            assertThat(b.perCategory().keySet()).isEqualTo(a.perCategory().keySet());
            assertThat(b.lossTokens()).isEqualTo(a.lossTokens());
        }
        assertThat(single.get(single.size() - 1).loss()).isLessThan(single.get(0).loss());

        // The weights after the last step (from each run's final checkpoint) agree too.
        float maxDiff = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] a = finalWeights(dir.resolve("single"), m);
            float[][] b = finalWeights(dir.resolve("split"), m);
            for (int p = 0; p < a.length; p++) {
                for (int i = 0; i < a[p].length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a[p][i] - b[p][i]));
                }
            }
        }
        assertThat(maxDiff).as("largest weight difference after the run").isLessThan(1e-5f);
    }

    @Test
    void devicesSettingIsCheckedWithTheFieldAndTheFix() {
        assertThat(Devices.resolve("cpu", 0, 1)).containsExactly(Device.cpu());
        assertThat(Devices.resolve("gpu", 2, 1)).containsExactly(Device.gpu(0));
        assertThat(Devices.resolve("gpu:1,0", 2, 4)).containsExactly(Device.gpu(1), Device.gpu(0));
        assertThat(Devices.resolve("all-gpus", 3, 4)).containsExactly(Device.gpu(0), Device.gpu(1), Device.gpu(2));
        assertThatThrownBy(() -> Devices.resolve("gpu", 0, 4))
                .hasMessageStartingWith("devices (gpu) asks for GPU 0, but the PyTorch engine sees 0 GPUs")
                .hasMessageContaining("set devices: cpu").hasMessageContaining("-Pcuda");
        assertThatThrownBy(() -> Devices.resolve("all-gpus", 0, 4)).hasMessageContaining("set devices: cpu");
        assertThatThrownBy(() -> Devices.resolve("gpu:0,1", 2, 1)).hasMessageContaining("raise batch_size");
        assertThatThrownBy(() -> Devices.resolve("gpu:0,0", 2, 2)).hasMessageContaining("twice");
        assertThatThrownBy(() -> TrainFixtures.configOn(dir, "tpu")).hasMessageStartingWith("devices (tpu)")
                .hasMessageContaining("use cpu, gpu, gpu:0,1");
        assertThatThrownBy(() -> TrainFixtures.configOn(dir, "gpu:x")).hasMessageContaining("'x'");
    }

    private List<StepMetrics> run(String name, List<Device> devices, StringWriter console) throws Exception {
        TrainConfig c = TrainFixtures.config(dir.resolve(name), 5, 3e-3, 2, 0.0, 5, 1);
        ModelConfig model = c.withTraining(TrainFixtures.tinyModel());
        List<StepMetrics> out = new ArrayList<>();
        SftRun.run(c, model, TrainFixtures.countingExamples(), TrainFixtures.PAD, Provenance.of(c, model, null, Map.of()),
                false, new PrintWriter(console), (m, mgr) -> out.add(m), devices);
        return out;
    }

    private static float[][] finalWeights(Path out, NDManager m) throws Exception {
        ChameleonModel net = new ChameleonModel(TrainFixtures.tinyModel());
        net.initialize(m, DataType.FLOAT32, new Shape(4, 32));
        PairList<String, Parameter> params = net.getParameters();
        AdamW optimizer = new AdamW(params, m, 0.9, 0.95, 1e-5, 0.1, false);
        Path latest = CheckpointInfo.latest(out).orElseThrow().dir();
        Checkpoint.readModel(latest, params);
        Checkpoint.readOptimizer(latest, optimizer::load);
        float[][] w = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            w[i] = params.get(i).getValue().getArray().toFloatArray();
        }
        return w;
    }
}
