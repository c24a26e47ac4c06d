package dev.chameleon.workbench.web.generation;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("engine")
class LoadedModelsTest {

    /** Stands in for a Generator: records loads and closes. */
    private static final class Model implements AutoCloseable {
        final Path dir;
        boolean closed;

        Model(Path dir) {
            this.dir = dir;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void keepsTwoModelsAndClosesTheLeastRecentlyUsed() {
        List<Model> made = new ArrayList<>();
        LoadedModels<Model> models = new LoadedModels<>(2, dir -> {
            Model m = new Model(dir);
            made.add(m);
            return m;
        });
        Path a = Path.of("/ws/a").toAbsolutePath();
        Path b = Path.of("/ws/b").toAbsolutePath();
        Path c = Path.of("/ws/c").toAbsolutePath();
        Model ma = models.get(a);
        Model mb = models.get(b);
        assertThat(models.get(Path.of("/ws/x/../a"))).isSameAs(ma);   // a is now the most recent
        Model mc = models.get(c);                                      // evicts b
        assertThat(mb.closed).isTrue();
        assertThat(ma.closed).isFalse();
        assertThat(models.loaded()).containsExactly(a, c);
        assertThat(made).hasSize(3);
        models.close();
        assertThat(ma.closed).isTrue();
        assertThat(mc.closed).isTrue();
        assertThat(models.loaded()).isEmpty();
    }

    @Test
    void aFailedLoadLeavesNothingBehind() {
        LoadedModels<Model> models = new LoadedModels<>(2, dir -> {
            throw new IllegalStateException("no model at " + dir);
        });
        assertThatThrownBy(() -> models.get(Path.of("/nowhere"))).hasMessageContaining("no model at");
        assertThat(models.loaded()).isEmpty();
    }
}
