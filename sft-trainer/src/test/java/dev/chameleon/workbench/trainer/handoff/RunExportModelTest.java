package dev.chameleon.workbench.trainer.handoff;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.recipe.SftRecipe;
import dev.chameleon.workbench.trainer.train.AdamW;
import dev.chameleon.workbench.trainer.train.Provenance;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run with a checkpoint is exported with that checkpoint in the Hugging Face layout under model/, and the manifest
 * says from which window a run continuing from it goes on.
 */
@Tag("engine")
class RunExportModelTest {

    @TempDir
    Path tmp;

    @Test
    void theNewestCheckpointGoesIntoModelInTheHuggingFaceLayout() throws Exception {
        Path runDir = tmp.resolve("run");
        Path runYaml = HandoffFixtures.writeRun(runDir, tmp.resolve("data"), 6, 2, 2, 11);
        TrainConfig c = TrainConfig.load(runYaml);
        ModelConfig model = SftRecipe.model(c, HandoffFixtures.loader().text(null));
        Map<String, Path> tokenizerFiles = new LinkedHashMap<>();
        tokenizerFiles.put("text:tokenizer.json", Path.of(c.textTokenizer()));
        tokenizerFiles.put("image:image-tokenizer.ckpt", SftRecipe.imageTokenizerFile(c));
        Provenance provenance = Provenance.of(c, model, Path.of(c.snapshot()), tokenizerFiles);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            ChameleonModel net = new ChameleonModel(model);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            AdamW opt = new AdamW(net.getParameters(), m, 0.9, 0.95, 1e-5, 0.1, false);
            Checkpoint.write(runDir, 2, net.getParameters(), opt::save, provenance.json(2), 3);
            Checkpoint.write(runDir, 4, net.getParameters(), opt::save, provenance.json(4), 3);
        }

        Path out = tmp.resolve("export");
        RunExport.Result r = RunExport.write(runYaml, out, RunExport.Options.recipe(), HandoffFixtures.loader(),
                RunExport.Listener.SILENT, () -> false);
        assertThat(r.checkpoint()).isPresent();
        assertThat(r.checkpoint().get().step()).isEqualTo(4);

        Path hf = out.resolve(RunExport.MODEL);
        assertThat(HfCheckpoint.isHfFolder(hf)).isTrue();
        try (HfCheckpoint opened = HfCheckpoint.open(hf)) {
            assertThat(opened.modelConfig().vocabSize()).isEqualTo(model.vocabSize());
            assertThat(opened.modelConfig().hidden()).isEqualTo(model.hidden());
            assertThat(opened.modelConfig().layers()).isEqualTo(model.layers());
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve(RunExport.MANIFEST).toFile());
        assertThat(m.get("checkpoint").get("step").asLong()).isEqualTo(4);
        assertThat(m.get("checkpoint").get("next_window").asLong()).isEqualTo(4 * 4);
        assertThat(m.get("checkpoint").get("exported_to").asText()).isEqualTo("model");
        assertThat(m.get("windows").asLong()).isEqualTo(6 * 4);
    }
}
