package dev.chameleon.workbench.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chameleon.workbench.trainer.generate.GenerationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One line per failure: our messages as they are, wrappers unwrapped, never a raw Java exception text. */
@Tag("unit")
class ErrorMessagesTest {

    @Test
    void ourMessagesArePrintedAsTheyAre() {
        assertThat(ErrorMessages.of(new IllegalArgumentException("seq_len must be positive; fix it")))
                .isEqualTo("seq_len must be positive; fix it");
        assertThat(ErrorMessages.of(new GenerationException("no checkpoint in /x; train one")))
                .isEqualTo("no checkpoint in /x; train one");
        assertThat(ErrorMessages.of(new IOException("/x cannot be read"))).isEqualTo("/x cannot be read");
        assertThat(ErrorMessages.of(new IllegalStateException("first line\n\tat somewhere"))).isEqualTo("first line");
    }

    @Test
    void aJdkExceptionGetsItsTypeNotItsRawText() {
        assertThat(ErrorMessages.of(new AccessDeniedException("/x"))).isEqualTo("/x (AccessDeniedException)");
        assertThat(ErrorMessages.of(new NullPointerException())).isEqualTo("NullPointerException");
    }

    @Test
    void wrappersStandForTheirCause() {
        IllegalArgumentException cause = new IllegalArgumentException("out_dir is missing; add it");
        assertThat(ErrorMessages.of(new RuntimeException(cause))).isEqualTo("out_dir is missing; add it");
        assertThat(ErrorMessages.of(new ExecutionException(cause))).isEqualTo("out_dir is missing; add it");
        assertThat(ErrorMessages.of(new RuntimeException(null, cause))).isEqualTo("out_dir is missing; add it");
        assertThat(ErrorMessages.of(new UncheckedIOException(new AccessDeniedException("/y"))))
                .isEqualTo("/y (AccessDeniedException)");
        assertThat(ErrorMessages.of(new UncheckedIOException("cannot list /runs", new AccessDeniedException("/runs"))))
                .isEqualTo("cannot list /runs (/runs (AccessDeniedException))");
        assertThat(ErrorMessages.of(new UncheckedIOException("cannot list /runs: disk gone", new IOException("disk gone"))))
                .isEqualTo("cannot list /runs: disk gone");
    }

    @Test
    void aSpringWrapperIsUnwrapped() {
        assertThat(ErrorMessages.of(new org.springframework.Wrapper("Error creating bean 'x'",
                new IllegalStateException("the workspace is in use; close the other workbench"))))
                .isEqualTo("the workspace is in use; close the other workbench");
    }
}
