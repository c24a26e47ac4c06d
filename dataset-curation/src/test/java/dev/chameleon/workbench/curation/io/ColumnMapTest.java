package dev.chameleon.workbench.curation.io;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command-line form of a column mapping, read in whichever direction people write it. */
@Tag("unit")
class ColumnMapTest {

    @Test
    void eitherSideMayBeOurs() {
        assertThat(ColumnMap.parse("question=prompt, answer=response"))
                .containsExactly(Map.entry("prompt", "question"), Map.entry("response", "answer"));
        assertThat(ColumnMap.parse("prompt=question,response=answer"))
                .containsExactly(Map.entry("prompt", "question"), Map.entry("response", "answer"));
        assertThat(ColumnMap.parse("user_tag=human")).containsExactly(Map.entry("user_tag", "human"));
        assertThat(ColumnMap.parse("  ")).isEmpty();
    }

    @Test
    void whenBothSidesAreOursTheLeftIsTheSourceField() {
        assertThat(ColumnMap.parse("prompt=response")).containsExactly(Map.entry("response", "prompt"));
    }

    @Test
    void badEntriesNameTheEntryAndOurFields() {
        assertThatThrownBy(() -> ColumnMap.parse("q=a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'q=a'").hasMessageContaining("prompt, response, system");
        assertThatThrownBy(() -> ColumnMap.parse("prompt")).hasMessageContaining("'prompt' is not NAME=NAME");
        assertThatThrownBy(() -> ColumnMap.parse("q=prompt,x=prompt")).hasMessageContaining("maps 'prompt' twice");
    }

    @Test
    void effectiveMappingOverlaysTheUsersEntriesOnTheFormats() {
        assertThat(ColumnMap.effective(Format.QUESTION_ANSWER, Map.of("response", "solution")))
                .containsEntry("prompt", "question").containsEntry("response", "solution");
        assertThat(ColumnMap.format(ColumnMap.effective(Format.ALPACA, Map.of())))
                .isEqualTo("prompt=instruction,input=input,response=output");
    }
}
