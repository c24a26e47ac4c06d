package dev.chameleon.workbench.web.generation;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class CheckpointServiceTest {

    @TempDir
    Path root;

    @Test
    void listsFinishedCheckpointsOfEveryRunNewestFirst() throws Exception {
        assertThat(new CheckpointService(root).list()).isEmpty();
        Path old = Checkpoints.write(root, "first", 300, 3600);
        Path mid = Checkpoints.write(root, "first", 600, 1800);
        Path fresh = Checkpoints.write(root, "second", 50, 5);
        Files.createDirectories(root.resolve("runs/second/checkpoints/.tmp-step-00000100"));
        Files.createDirectories(root.resolve("runs/second/checkpoints/step-00000200")); // no model.bin yet
        Files.createDirectories(root.resolve("runs/queued"));
        assertThat(new CheckpointService(root).list()).extracting(CheckpointChoice::dir)
                .containsExactly(fresh, mid, old);
        assertThat(new CheckpointService(root).list()).extracting(CheckpointChoice::label)
                .containsExactly("second @ step 50", "first @ step 600", "first @ step 300");
    }

    @Test
    void aTypedFolderIsResolvedAgainstTheWorkspaceAndAMissingOneRefused() throws Exception {
        CheckpointService service = new CheckpointService(root);
        Path listed = Checkpoints.write(root, "run", 8, 0);
        assertThat(service.resolve("runs/run/checkpoints/step-00000008").label()).isEqualTo("run @ step 8");
        Path outside = Checkpoints.write(root.resolve("other"), "r", 12, 0);
        CheckpointChoice typed = service.resolve("  \"" + outside + "\" ");
        assertThat(typed.dir()).isEqualTo(outside);
        assertThat(typed.step()).isEqualTo(12);
        assertThat(typed.label()).isEqualTo("r @ step 12 (" + outside + ")");
        assertThat(service.resolve(root.resolve("other").toString()).label()).isEqualTo(root.resolve("other").toString());
        assertThat(service.resolve(root.resolve("runs/run").toString()).step()).isEqualTo(-1);
        assertThatThrownBy(() -> service.resolve(root.resolve("missing").toString()))
                .hasMessageContaining("missing is not a folder").hasMessageContaining("step-N");
        assertThatThrownBy(() -> service.resolve(" ")).hasMessageContaining("type the path");
        assertThat(listed).exists();
    }

    @Test
    void importedCheckpointsAreListedAfterTheTrainedOnesAndATypedHfFolderIsChecked() throws Exception {
        CheckpointService service = new CheckpointService(root);
        Path trained = Checkpoints.write(root, "run", 8, 0);
        Path hf = HfFolder.write(root.resolve("models/chameleon-tiny"), 2);

        CheckpointChoice added = service.register("models/chameleon-tiny", "tiny-hf");

        assertThat(added.imported()).isTrue();
        assertThat(added.dir()).isEqualTo(hf);
        assertThat(service.list()).extracting(CheckpointChoice::dir).containsExactly(trained, hf);
        assertThat(service.list().get(1).label()).startsWith("imported · tiny-hf (").endsWith(", 2 layers)");
        assertThat(service.list().get(0).imported()).isFalse();
        assertThat(service.resolve(hf.toString())).isEqualTo(service.list().get(1));

        Path loose = HfFolder.write(root.resolve("models/unregistered"), 1);
        CheckpointChoice typed = service.resolve(loose.toString());
        assertThat(typed.imported()).isTrue();
        assertThat(typed.label()).startsWith(loose + " (").endsWith(", 1 layer)");
        assertThat(service.list()).hasSize(2);

        Path broken = HfFolder.write(root.resolve("models/broken"), 2, 1, "");
        assertThatThrownBy(() -> service.resolve(broken.toString())).hasMessageContaining("the weights lack");
        assertThatThrownBy(() -> service.register(" ", null)).hasMessageContaining("Hugging Face layout");
    }
}
