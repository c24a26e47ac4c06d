package dev.chameleon.workbench.web.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code workbench trainer ARGS...} hands every argument, options included, to the sft-trainer command line. */
@Tag("unit")
class TrainerCommandTest {

    @TempDir
    Path tmp;

    @Test
    void passesTheTrainersOwnOptionsThrough() throws Exception {
        Path text = Files.writeString(tmp.resolve("corpus.txt"), "the red circle and the blue square\n".repeat(50));
        Path out = tmp.resolve("tokenizer.json");
        CliTest.Run r = CliTest.run("trainer", "train-text-tokenizer", "--input", text.toString(),
                "--vocab-size", "512", "--codebook-size", "32", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(out.toAbsolutePath().toString());
        assertThat(Files.readString(out)).contains("\"model\"");
    }

    @Test
    void reportsTheTrainersErrorsAsItsOwn() {
        CliTest.Run r = CliTest.run("trainer", "train-text-tokenizer", "--input", tmp.resolve("missing").toString(),
                "--vocab-size", "512", "--out", tmp.resolve("t.json").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: --input").contains("does not exist");
    }
}
