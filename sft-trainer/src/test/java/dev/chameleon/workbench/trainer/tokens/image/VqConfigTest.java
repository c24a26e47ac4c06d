package dev.chameleon.workbench.trainer.tokens.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Config validation and the paper configuration's shapes; allocates no weights. */
@Tag("engine")
class VqConfigTest {

    @Test
    void paperConfigurationGivesA32x32GridOf8192Codes() {
        VqConfig c = VqConfig.chameleon();
        assertThat(c.downsampleFactor()).isEqualTo(16);
        assertThat(c.gridSide()).isEqualTo(32);
        assertThat(c.codesPerImage()).isEqualTo(1024);
        VqModel model = new VqModel(c);
        // Shapes are declared at construction, so this counts without allocating any weights.
        long params = model.parameterCount();
        assertThat(params).isBetween(60_000_000L, 80_000_000L);
        Shape out = model.getOutputShapes(new Shape[] {model.inputShape(2)})[0];
        assertThat(out).isEqualTo(new Shape(2, 3, 512, 512));
        VqEncoder enc = (VqEncoder) model.getChildren().get(0).getValue();
        assertThat(enc.getOutputShapes(new Shape[] {model.inputShape(1)})[0]).isEqualTo(new Shape(1, 256, 32, 32));
        assertThat(model.getParameters().keys()).anyMatch(k -> k.contains("mid_attn"));
    }

    @Test
    void smallConfigurationIsCpuSized() {
        VqConfig c = VqConfig.small();
        assertThat(c.codesPerImage()).isEqualTo(256);
        assertThat(new VqModel(c).parameterCount()).isLessThan(2_000_000L);
    }

    @Test
    void mapRoundTrip() {
        assertThat(VqConfig.fromMap(VqConfig.chameleon().toMap())).isEqualTo(VqConfig.chameleon());
        assertThat(VqConfig.preset("tiny")).isEqualTo(VqConfig.tiny());
    }

    @Test
    void rejectsNonsenseNamingTheFieldAndTheFix() {
        assertThatThrownBy(() -> new VqConfig(100, 128, List.of(1, 1, 2, 2, 4), 2, 8192, 256, 256, 32, true, 0.25))
                .hasMessageContaining("resolution 100").hasMessageContaining("multiple of 16");
        assertThatThrownBy(() -> new VqConfig(512, 48, List.of(1, 2), 2, 8192, 256, 256, 32, true, 0.25))
                .hasMessageContaining("baseChannels * channelMultipliers[0] = 48")
                .hasMessageContaining("groups 32");
        assertThatThrownBy(() -> new VqConfig(64, 32, List.of(), 1, 512, 32, 32, 8, false, 0.25))
                .hasMessageContaining("channelMultipliers");
        assertThatThrownBy(() -> new VqConfig(64, 32, List.of(1, 0), 1, 512, 32, 32, 8, false, 0.25))
                .hasMessageContaining("channelMultipliers[1]");
        assertThatThrownBy(() -> new VqConfig(64, 32, List.of(1, 2), 0, 512, 32, 32, 8, false, 0.25))
                .hasMessageContaining("resBlocks");
        assertThatThrownBy(() -> new VqConfig(64, 32, List.of(1, 2), 1, 1, 32, 32, 8, false, 0.25))
                .hasMessageContaining("codebookSize");
        assertThatThrownBy(() -> new VqConfig(64, 32, List.of(1, 2), 1, 512, 0, 32, 8, false, 0.25))
                .hasMessageContaining("embedDim");
        assertThatThrownBy(() -> new VqConfig(64, 32, List.of(1, 2), 1, 512, 32, -1, 8, false, 0.25))
                .hasMessageContaining("zChannels");
        assertThatThrownBy(() -> new VqConfig(64, 32, List.of(1, 2), 1, 512, 32, 32, 0, false, 0.25))
                .hasMessageContaining("groups");
        assertThatThrownBy(() -> new VqConfig(64, 32, List.of(1, 2), 1, 512, 32, 32, 8, false, Double.NaN))
                .hasMessageContaining("beta");
        assertThatThrownBy(() -> VqConfig.preset("huge")).hasMessageContaining("chameleon, small, demo or tiny");
    }
}
