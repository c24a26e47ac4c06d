package dev.chameleon.workbench.curation;

import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.curation.model.Source;
import dev.chameleon.workbench.curation.review.ReviewAction;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.curation.snapshot.Snapshot;
import dev.chameleon.workbench.curation.store.Dataset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Prompt sets beside SFT datasets, trusted imports that arrive accepted, and what snapshots refuse. */
@Tag("unit")
class DatasetKindTest {

    @TempDir
    Path dir;

    private Path chat() throws Exception {
        Path f = dir.resolve("chat.jsonl");
        Files.writeString(f, """
                {"messages":[{"role":"user","content":"Name a river"},{"role":"assistant","content":"The Seine."}]}
                {"messages":[{"role":"user","content":"Name a star"},{"role":"assistant","content":"Vega."}]}
                """);
        return f;
    }

    @Test
    void aPromptSetIsSearchableButRefusesSftImportsAndSnapshots() throws Exception {
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            c.importFile("evals", chat(), ImportOptions.defaults().withKind(DatasetKind.PROMPTS), ImportProgress.NONE);

            Dataset evals = c.requireDataset("evals");
            assertThat(evals.kind()).isEqualTo(DatasetKind.PROMPTS);
            assertThat(c.dataset("evals").orElseThrow().dataset().isPromptSet()).isTrue();
            assertThat(c.count(SearchRequest.of("evals", "river"))).isEqualTo(1);
            c.review(SearchRequest.of("evals", null), ReviewAction.accept());

            assertThatThrownBy(() -> c.importFile("evals", chat(), ImportOptions.defaults(), ImportProgress.NONE))
                    .hasMessage("dataset 'evals' is a prompt set (kind prompts), but this import is of kind sft; "
                            + "import with kind prompts (--kind prompts), or into another dataset name");
            assertThatThrownBy(() -> c.snapshot("evals"))
                    .hasMessage("'evals' is a prompt set; prompt sets are for evaluations, not SFT snapshots");
            assertThat(c.snapshots("evals")).isEmpty();

            c.importFile("train", chat(), ImportOptions.defaults(), ImportProgress.NONE);
            assertThat(c.requireDataset("train").kind()).isEqualTo(DatasetKind.SFT);
            assertThatThrownBy(() -> c.importFile("train", chat(),
                    ImportOptions.defaults().withKind(DatasetKind.PROMPTS), ImportProgress.NONE))
                    .hasMessageContaining("dataset 'train' is SFT data (kind sft)");
        }
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            assertThat(c.requireDataset("evals").kind()).isEqualTo(DatasetKind.PROMPTS);
        }
    }

    @Test
    void anImportGivenTheAcceptedStatusReachesTheSnapshot() throws Exception {
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            c.importFile("trusted", chat(), ImportOptions.defaults().withStatus(ReviewStatus.ACCEPTED),
                    ImportProgress.NONE);

            assertThat(c.dataset("trusted").orElseThrow().count(ReviewStatus.ACCEPTED)).isEqualTo(2);
            Snapshot s = c.snapshot("trusted");
            assertThat(s.examples()).isEqualTo(2);
        }
    }

    @Test
    void acceptedExamplesWithRemoteImagesRefuseTheSnapshotWithTheCountAndTheFix() throws Exception {
        try (Curation c = Curation.open(dir.resolve("ws"))) {
            Dataset d = c.createDataset("web");
            Example remote = Example.of(List.of(
                            Message.of(Role.USER, new Part.RemoteImage("https://example.org/cat.jpg"), Part.text("What is this?")),
                            Message.text(Role.ASSISTANT, "A cat.")), Category.VISUAL_CHAT, new Source("web.jsonl", 1))
                    .withStatus(ReviewStatus.ACCEPTED);
            Example text = TestExamples.text("Hello", "Hi.", 2).withStatus(ReviewStatus.ACCEPTED);
            var stored = c.store().insert(d, List.of(remote, text)).inserted();
            c.index().addNew("web", stored);
            c.index().refresh();

            assertThatThrownBy(() -> c.snapshot("web"))
                    .hasMessageStartingWith("1 accepted example of 'web' has images known only by their web address")
                    .hasMessageContaining("--fetch-images").hasMessageContaining("reject those examples");
            assertThat(c.snapshots("web")).isEmpty();
            assertThat(c.root().resolve("snapshots/web")).isEmptyDirectory();

            assertThat(c.count(SearchRequest.of("web", "remote_image:true"))).isEqualTo(1);
            c.review(SearchRequest.of("web", "remote_image:true"), ReviewAction.reject());
            assertThat(c.snapshot("web").examples()).isEqualTo(1);
        }
    }
}
