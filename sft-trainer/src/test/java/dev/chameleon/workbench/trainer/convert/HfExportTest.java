package dev.chameleon.workbench.trainer.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chameleon.workbench.trainer.generate.GenFixtures;
import dev.chameleon.workbench.trainer.generate.GenerationException;
import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.Generator;
import dev.chameleon.workbench.trainer.generate.Guidance;
import dev.chameleon.workbench.trainer.generate.Mode;
import dev.chameleon.workbench.trainer.generate.Sampling;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained checkpoint of ours, exported to the Hugging Face layout, opens in the generator and decodes the same. */
@Tag("engine")
class HfExportTest {

    private static final int N = 4;

    @TempDir
    Path tmp;

    private static List<Integer> greedy(Generator g, Mode mode) {
        return g.generate(new GenerationRequest("hi", List.of(), mode, Sampling.greedy(), Guidance.defaults(), 40),
                null, null).tokens();
    }

    @Test
    void anExportedCheckpointDecodesExactlyAsTheOriginal() throws Exception {
        Path run = GenFixtures.writeRun(tmp.resolve("run"), GenFixtures.model(128), 5, true);
        List<Integer> text;
        List<Integer> image;
        try (Generator g = Generator.load(run, GenFixtures.fakeLoader(N))) {
            text = greedy(g, Mode.TEXT);
            image = greedy(g, Mode.INTERLEAVED);
        }
        Path out = tmp.resolve("hf");
        HfExport.export(run, out, Dtype.F32, HfCheckpoint.DEFAULT_SHARD_BYTES, GenFixtures.fakeLoader(N));
        assertThat(HfCheckpoint.isHfFolder(out)).isTrue();
        assertThat(out.resolve("tokenizer.json")).isRegularFile();
        assertThat(out.resolve("image-tokenizer.ckpt")).isRegularFile();
        try (Generator g = Generator.load(out, GenFixtures.fakeLoader(N))) {
            assertThat(greedy(g, Mode.TEXT)).isEqualTo(text);
            assertThat(greedy(g, Mode.INTERLEAVED)).isEqualTo(image);
        }
        // A folder left without our image tokenizer says what to put there.
        Files.delete(out.resolve("image-tokenizer.ckpt"));
        assertThatThrownBy(() -> Generator.load(out, GenFixtures.fakeLoader(N)))
                .isInstanceOf(GenerationException.class).hasMessageContaining("image tokenizer of");
        assertThatThrownBy(() -> HfExport.export(run, out, Dtype.F32, HfCheckpoint.DEFAULT_SHARD_BYTES,
                GenFixtures.fakeLoader(N))).hasMessageContaining("not empty");
    }
}
