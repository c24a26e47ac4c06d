package dev.chameleon.workbench.curation.io;

import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Tool calling (ShareGPT function_call/observation, OpenAI tool_calls), preference pairs, KTO labels, metadata. */
@Tag("unit")
class ToolsPreferenceImportTest {

    @TempDir
    Path dir;

    @Test
    void shareGptToolTurnsAndTheToolSchemaAreKept() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "sharegpt_tools.json", ImportOptions.defaults());

        assertThat(c.problems).isEmpty();
        Example e = c.examples.get(0);
        assertThat(e.messages()).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER,
                Role.FUNCTION_CALL, Role.OBSERVATION, Role.ASSISTANT);
        assertThat(e.messages().get(2).text()).contains("\"get_weather\"");
        assertThat(e.tools()).startsWith("[{\"name\":\"get_weather\"").contains("\"required\":[\"city\"]");
        assertThat(e.metadata()).isEmpty();
    }

    @Test
    void openAiToolCallsBecomeFunctionCallTurns() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "openai_tools.jsonl", ImportOptions.defaults());

        assertThat(c.problems).isEmpty();
        Example e = c.examples.get(0);
        assertThat(e.messages()).extracting(Message::role).containsExactly(Role.USER, Role.FUNCTION_CALL,
                Role.OBSERVATION, Role.ASSISTANT);
        assertThat(e.messages().get(1).text()).isEqualTo("[{\"name\":\"add\",\"arguments\":{\"a\":2,\"b\":3}}]");
        assertThat(e.tools()).contains("\"name\":\"add\"");
    }

    @Test
    void shareGptPreferencePairsAppendTheChosenAnswer() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "preference_sharegpt.json", ImportOptions.defaults());

        assertThat(c.problems).isEmpty();
        Example pair = c.examples.get(0);
        assertThat(pair.messages()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT);
        assertThat(pair.messages().get(1).text()).isEqualTo("Hello! How can I help you today?");
        assertThat(pair.rejected()).containsExactly(Message.text(Role.ASSISTANT, "What do you want?"));
        Example emptyRejected = c.examples.get(1);
        assertThat(emptyRejected.hasRejected()).isFalse();
        assertThat(emptyRejected.messages().get(1).text()).isEqualTo("7 is prime.");
        assertThat(emptyRejected.metadata().get(RecordConverter.REVIEW_NOTE)).contains("rejected answer", "empty");
    }

    @Test
    void promptChosenRejectedAsStringsOrMessageLists() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "preference_prompt.jsonl", ImportOptions.defaults());

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).hasSize(3);
        assertThat(c.examples.get(0).rejected()).containsExactly(Message.text(Role.ASSISTANT, "About 50 °C."));
        Example lists = c.examples.get(1);
        assertThat(lists.messages()).containsExactly(Message.text(Role.USER, "Give me a synonym for happy."),
                Message.text(Role.ASSISTANT, "Joyful."));
        assertThat(lists.rejected()).containsExactly(Message.text(Role.ASSISTANT, "Sad."));
        assertThat(c.examples.get(2).metadata()).containsKey(RecordConverter.REVIEW_NOTE);
    }

    @Test
    void messagesWithChosenAndRejected() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "preference_messages.jsonl", ImportOptions.defaults());

        assertThat(c.problems).isEmpty();
        Example e = c.examples.get(0);
        assertThat(e.messages()).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT);
        assertThat(e.messages().get(2).text()).isEqualTo("The Pacific.");
        assertThat(e.rejected()).containsExactly(Message.text(Role.ASSISTANT, "The Atlantic."));
    }

    @Test
    void ktoLabelsAndNestedFieldsAreKeptAsMetadata() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "kto.jsonl", ImportOptions.defaults());

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).extracting(e -> e.metadata().get("label")).containsExactly("true", "false");
        assertThat(c.examples.get(1).metadata()).containsEntry("annotator", "{\"id\":7,\"notes\":[\"arithmetic slip\"]}");
    }
}
