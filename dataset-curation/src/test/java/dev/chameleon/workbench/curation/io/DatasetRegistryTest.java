package dev.chameleon.workbench.curation.io;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LLaMA-Factory's dataset_info.json: which entries import, from which files, with which format and mapping. */
@Tag("unit")
class DatasetRegistryTest {

    @TempDir
    Path tmp;
    Path dir;
    Path registry;

    /**
     * A registry beside its data: an alpaca file with renamed columns, a sharegpt file in OpenAI's role/content
     * shape, a preference set whose file_name is a folder of two files, and entries that cannot be imported.
     */
    @BeforeEach
    void fixture() throws IOException {
        dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("alpaca.json"), "[{\"q\":\"Say hi\",\"ctx\":\"\",\"a\":\"Hi\"}]");
        Files.writeString(dir.resolve("chat.jsonl"), "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}\n");
        Path dpo = Files.createDirectories(dir.resolve("dpo"));
        Files.writeString(dpo.resolve("part-2.jsonl"), "{}\n");
        Files.writeString(dpo.resolve("part-1.jsonl"), "{}\n");
        Files.writeString(dpo.resolve(".hidden"), "{}\n");
        Files.writeString(tmp.resolve("outside.json"), "[]");
        registry = Files.writeString(dir.resolve("dataset_info.json"), """
                {
                  "alpaca_demo": {"file_name": "alpaca.json",
                                  "columns": {"prompt": "q", "query": "ctx", "response": "a", "system": "sys"}},
                  "openai_chat": {"file_name": "chat.jsonl", "formatting": "sharegpt",
                                  "columns": {"messages": "messages", "kto_tag": "good"},
                                  "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                                           "assistant_tag": "assistant", "system_tag": "system"}},
                  "dpo_pairs": {"file_name": "dpo", "formatting": "sharegpt", "ranking": true},
                  "hub_only": {"hf_hub_url": "someone/some-dataset"},
                  "scripted": {"script_url": "my_loader"},
                  "escaping": {"file_name": "../outside.json"},
                  "missing": {"file_name": "nowhere.json"},
                  "video": {"file_name": "alpaca.json", "columns": {"videos": "clips"}},
                  "unknown_format": {"file_name": "alpaca.json", "formatting": "openai"}
                }""");
    }

    @Test
    void localEntriesComeWithTheirFormatAndOurFieldNames() throws IOException {
        List<DatasetRegistry.Entry> entries = DatasetRegistry.read(registry);

        DatasetRegistry.Entry alpaca = entries.get(0);
        assertThat(alpaca.name()).isEqualTo("alpaca_demo");
        assertThat(alpaca.skipped()).isFalse();
        assertThat(alpaca.file()).isEqualTo(dir.resolve("alpaca.json").toAbsolutePath());
        assertThat(alpaca.format()).isEqualTo(Format.ALPACA);
        // LLaMA-Factory's alpaca "query" is our "input".
        assertThat(alpaca.columns()).containsExactly(Map.entry("prompt", "q"), Map.entry("input", "ctx"),
                Map.entry("response", "a"), Map.entry("system", "sys"));

        DatasetRegistry.Entry chat = entries.get(1);
        assertThat(chat.format()).isEqualTo(Format.SHAREGPT);
        assertThat(chat.columns()).containsEntry("messages", "messages").containsEntry("label", "good")
                .containsEntry("role_tag", "role").containsEntry("content_tag", "content")
                .containsEntry("user_tag", "user").containsEntry("assistant_tag", "assistant")
                .containsEntry("system_tag", "system").hasSize(7);
    }

    @Test
    void aFolderFileNameGivesEveryVisibleDataFileInsideAndRankingMakesAPreferenceSet() throws IOException {
        List<DatasetRegistry.Entry> dpo = DatasetRegistry.read(registry).stream()
                .filter(e -> e.name().equals("dpo_pairs")).toList();

        assertThat(dpo).extracting(e -> e.file().getFileName().toString())
                .containsExactly("part-1.jsonl", "part-2.jsonl");
        assertThat(dpo).allSatisfy(e -> {
            assertThat(e.format()).isEqualTo(Format.SHAREGPT);
            assertThat(e.columns()).containsEntry("chosen", "chosen").containsEntry("rejected", "rejected");
        });
    }

    @Test
    void entriesThatCannotBeImportedSaySoAndWhatToDo() throws IOException {
        Map<String, String> skipped = new java.util.LinkedHashMap<>();
        DatasetRegistry.read(registry).stream().filter(DatasetRegistry.Entry::skipped)
                .forEach(e -> skipped.put(e.name(), e.skippedReason()));

        assertThat(skipped.keySet()).containsExactly("hub_only", "scripted", "escaping", "missing", "video",
                "unknown_format");
        assertThat(skipped.get("hub_only")).contains("Hugging Face Hub").contains("someone/some-dataset")
                .contains("file_name");
        assertThat(skipped.get("scripted")).contains("script").contains("file_name");
        assertThat(skipped.get("escaping")).contains("../outside.json").contains("outside the registry's folder");
        assertThat(skipped.get("missing")).contains("nowhere.json").contains("does not exist");
        assertThat(skipped.get("video")).contains("videos").contains("remove");
        assertThat(skipped.get("unknown_format")).contains("'openai'").contains("alpaca or sharegpt");
    }

    @Test
    void aLinkOutOfTheFolderIsRefusedLikeAPath() throws IOException {
        Path link = dir.resolve("linked.json");
        try {
            Files.createSymbolicLink(link, tmp.resolve("outside.json"));
        } catch (UnsupportedOperationException | IOException e) {
            org.junit.jupiter.api.Assumptions.abort("symbolic links are not available here");
        }
        Path reg = Files.writeString(dir.resolve("links.json"), "{\"l\": {\"file_name\": \"linked.json\"}}");

        assertThat(DatasetRegistry.read(reg)).singleElement()
                .satisfies(e -> assertThat(e.skippedReason()).contains("outside the registry's folder"));
    }

    @Test
    void onlyARegistryLooksLikeOne() throws IOException {
        assertThat(DatasetRegistry.looksLikeRegistry(registry)).isTrue();
        assertThat(DatasetRegistry.looksLikeRegistry(dir.resolve("alpaca.json"))).as("a JSON array").isFalse();
        assertThat(DatasetRegistry.looksLikeRegistry(dir.resolve("chat.jsonl"))).as("JSON Lines").isFalse();
        Path record = Files.writeString(tmp.resolve("one.json"),
                "{\"instruction\": {\"text\": \"x\"}, \"output\": \"y\"}");
        assertThat(DatasetRegistry.looksLikeRegistry(record)).as("one record").isFalse();
        Path twoObjects = Files.writeString(tmp.resolve("two.jsonl"),
                "{\"a\": {\"file_name\": \"x\"}}\n{\"b\": {\"file_name\": \"y\"}}\n");
        assertThat(DatasetRegistry.looksLikeRegistry(twoObjects)).as("two objects").isFalse();
        Path noise = Files.write(tmp.resolve("noise.bin"), new byte[]{0x1f, (byte) 0x8b, 0, 7, 42});
        assertThat(DatasetRegistry.looksLikeRegistry(noise)).isFalse();
        assertThat(DatasetRegistry.looksLikeRegistry(tmp.resolve("absent.json"))).isFalse();
        assertThat(DatasetRegistry.looksLikeRegistry(dir)).as("a folder").isFalse();
    }

    @Test
    void readingSomethingElseNamesTheFile() {
        Path data = dir.resolve("alpaca.json");

        assertThatThrownBy(() -> DatasetRegistry.read(data)).isInstanceOf(IOException.class)
                .hasMessageContaining("alpaca.json").hasMessageContaining("not a LLaMA-Factory dataset registry");
    }
}
