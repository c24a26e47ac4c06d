package dev.chameleon.workbench.web.generation;

import dev.chameleon.workbench.trainer.generate.GenerationEvent;
import dev.chameleon.workbench.trainer.generate.GenerationException;
import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.GenerationResult;
import dev.chameleon.workbench.trainer.generate.Generator;
import dev.chameleon.workbench.trainer.generate.Guidance;
import dev.chameleon.workbench.trainer.generate.Mode;
import dev.chameleon.workbench.trainer.generate.Sampling;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The application's engine over the real {@link Generator}. */
@Tag("engine")
class GeneratorServiceTest {

    @TempDir
    Path dir;

    @Test
    void aFolderWithoutACheckpointFailsWithTheLoadersMessage() {
        GeneratorService service = new GeneratorService();
        try {
            assertThatThrownBy(() -> service.load(dir.resolve("missing")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(GenerationException.class)
                    .hasMessageContaining("does not exist");
            assertThatThrownBy(() -> service.generate(dir, GenerationRequest.of("Hi", Mode.TEXT, 8), e -> { },
                    () -> false).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(GenerationException.class).hasMessageContaining("no checkpoint in " + dir);
        } finally {
            service.close();
        }
    }

    /**
     * Engine-bound (PyTorch CPU, a tiny random model): a workspace's run checkpoint, as the checkpoint service
     * lists it, loads and answers through the service: an image streams a partial picture at 32 codes, then
     * the finished one; text can be stopped; a third checkpoint evicts the least recently used model.
     */
    @Test
    void answersWithARealCheckpointOfTheWorkspace() throws Exception {
        Path a = TinyModel.writeRun(dir, "tiny-a", 1);
        TinyModel.writeRun(dir, "tiny-b", 2);
        TinyModel.writeRun(dir, "tiny-c", 3);
        List<CheckpointChoice> listed = new CheckpointService(dir).list();
        assertThat(listed).hasSize(3);
        assertThat(listed).extracting(CheckpointChoice::dir).contains(a);
        List<Path> loads = new CopyOnWriteArrayList<>();
        GeneratorService service = new GeneratorService(d -> {
            loads.add(d);
            return Generator.load(d, TinyModel.loader());
        });
        try {
            PlaygroundEngine.Model model = service.load(a).get(60, TimeUnit.SECONDS);
            assertThat(model.imageTokens()).isEqualTo(TinyModel.CODES);
            assertThat(model.maxContext()).isEqualTo(256);

            List<GenerationEvent> events = new CopyOnWriteArrayList<>();
            GenerationRequest draw = new GenerationRequest("Draw", List.of(), Mode.IMAGE, Sampling.defaults(),
                    Guidance.off(), TinyModel.CODES + 2);
            GenerationResult image = service.generate(a, draw, events::add, () -> false).get(60, TimeUnit.SECONDS);
            assertThat(image.images()).hasSize(1);
            assertThat(events).filteredOn(e -> e instanceof GenerationEvent.PartialImage)
                    .extracting(e -> ((GenerationEvent.PartialImage) e).codes()).startsWith(32);
            assertThat(events).filteredOn(e -> e instanceof GenerationEvent.ImageDone).hasSize(1);
            assertThat(events.get(events.size() - 1)).isInstanceOf(GenerationEvent.End.class);

            AtomicInteger pieces = new AtomicInteger();
            GenerationResult stopped = service.generate(a, GenerationRequest.of("Talk", Mode.TEXT, 200),
                    e -> pieces.incrementAndGet(), () -> pieces.get() >= 3).get(60, TimeUnit.SECONDS);
            assertThat(stopped.stopReason()).isIn("cancelled", "eos", "end_of_turn");
            assertThat(stopped.tokens().size()).isLessThan(200);
            assertThat(loads).containsExactly(a);

            Path b = dir.resolve("runs/tiny-b/checkpoints/step-00000003");
            Path c = dir.resolve("runs/tiny-c/checkpoints/step-00000003");
            service.load(b).get(60, TimeUnit.SECONDS);
            service.load(c).get(60, TimeUnit.SECONDS);   // evicts a, the least recently used
            service.load(b).get(60, TimeUnit.SECONDS);   // still loaded
            service.load(a).get(60, TimeUnit.SECONDS);   // loaded again, evicting c
            assertThat(loads).containsExactly(a, b, c, a);
        } finally {
            service.close();
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        GeneratorService service = new GeneratorService();
        service.close();
        service.close();
        assertThat(service.load(dir).isCompletedExceptionally()).isTrue();
    }
}
