package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.chameleon.workbench.curation.io.Fixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multimodal chat formats: LLaMA-Factory's messages + images with placeholders, its typed parts, mapped role and
 * content tags, {@code <img>} prompt sets; and a round trip showing every source image lands in place.
 */
@Tag("unit")
class MultimodalImportTest {

    @TempDir
    Path dir;

    private Map<String, String> keys;

    @BeforeEach
    void images() throws Exception {
        keys = Fixtures.fixtureImages(dir);
    }

    @Test
    void llamaFactoryMessagesWithImagesFillPlaceholdersInTheirTurns() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "llamafactory_mllm.json", ImportOptions.defaults());

        assertThat(c.examples).hasSize(2);
        Example first = c.examples.get(0);
        assertThat(first.category()).isEqualTo(Category.VISUAL_CHAT);
        assertThat(first.messages().get(0).parts()).containsExactly(new Part.Image(keys.get("img/red.png")),
                new Part.Text("What colour is this square?"));
        assertThat(first.messages().get(2).parts()).containsExactly(new Part.Text("And this one?"),
                new Part.Image(keys.get("img/blue.png")));
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(14);
            assertThat(p.reason()).contains("2 <image> placeholders but 1 image");
        });
    }

    @Test
    void typedPartsWithValueAndImagePartsWithoutAddressTakeTheListedImages() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "llamafactory_typed.jsonl", ImportOptions.defaults());

        assertThat(c.examples).hasSize(3);
        assertThat(c.examples.get(0).messages().get(0).parts()).containsExactly(
                new Part.Image(keys.get("img/red.png")), new Part.Text("Describe the picture."));
        Example interleaved = c.examples.get(1);
        assertThat(interleaved.category()).isEqualTo(Category.INTERLEAVED_GENERATION);
        assertThat(interleaved.messages().get(1).parts()).containsExactly(new Part.Text("Here it is:"),
                new Part.Image(keys.get("img/blue.png")), new Part.Text("Done."));
        assertThat(c.examples.get(2).messages().get(0).parts()).containsExactly(
                new Part.Image(keys.get("img/green.png")), new Part.Text("And this?"));
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.reason()).contains("1 image part without a URL but 0 images listed");
        });
    }

    @Test
    void placeholdersWorkWithEitherTurnKeyAndAnyTagNames() throws Exception {
        // conversations with role/content, messages with from/value: both carry placeholders.
        Path conversations = Fixtures.write(dir, "c.jsonl", lines(
                "{\"conversations\":[{\"role\":\"user\",\"content\":\"<image> colour?\"},{\"role\":\"assistant\","
                        + "\"content\":\"Red.\"}],\"images\":[\"img/red.png\"]}"));
        Path messages = Fixtures.write(dir, "m.jsonl", lines(
                "{\"messages\":[{\"from\":\"human\",\"value\":\"<image> colour?\"},{\"from\":\"gpt\",\"value\":\"Blue.\"}],"
                        + "\"images\":[\"img/blue.png\"]}"));
        Path mapped = Fixtures.write(dir, "mapped.jsonl", lines(
                "{\"dialog\":[{\"speaker\":\"Q\",\"text\":\"<image> colour?\"},{\"speaker\":\"A\",\"text\":\"Green.\"}],"
                        + "\"pics\":[\"img/green.png\"]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), conversations);
        Fixtures.read(Fixtures.reader(Fixtures.store(dir)), messages).examples.forEach(c.examples::add);
        Fixtures.Collector m = Fixtures.read(Fixtures.reader(Fixtures.store(dir), ImportOptions.defaults().withColumns(
                ColumnMap.parse("dialog=messages,pics=images,speaker=role_tag,text=content_tag,user_tag=Q,"
                        + "assistant_tag=A"))), mapped);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples).extracting(e -> e.messages().get(0).parts().get(0)).containsExactly(
                new Part.Image(keys.get("img/red.png")), new Part.Image(keys.get("img/blue.png")));
        assertThat(m.problems).isEmpty();
        assertThat(m.examples).singleElement().satisfies(e -> {
            assertThat(e.messages()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT);
            assertThat(e.messages().get(0).parts()).containsExactly(new Part.Image(keys.get("img/green.png")),
                    new Part.Text("colour?"));
        });
    }

    @Test
    void anImageWithoutAPlaceholderWherePlaceholdersAreUsedIsRefused() throws Exception {
        Path file = Fixtures.write(dir, "extra.jsonl", lines(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"<image> colour?\"},{\"role\":\"assistant\","
                        + "\"content\":\"Red.\"}],\"images\":[\"img/red.png\",\"img/blue.png\"]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.examples).isEmpty();
        assertThat(c.reasons()).singleElement().asString().contains("1 <image> placeholder but 2 images");
    }

    @Test
    void imgPlaceholdersAreImagesOnlyWhereTheRecordListsImages() throws Exception {
        Path file = Fixtures.write(dir, "html.jsonl", lines(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"What does the <img> tag do?\"},"
                        + "{\"role\":\"assistant\",\"content\":\"It embeds a picture.\"}]}"));

        Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir)), file);

        assertThat(c.problems).isEmpty();
        assertThat(c.examples.get(0).prompt()).isEqualTo("What does the <img> tag do?");
    }

    @Test
    void mixedModalPromptSetKeepsRemoteImagesInPlace() throws Exception {
        Fixtures.Collector c = Fixtures.readFixture(dir, "prompts_mixed_modal.jsonl",
                ImportOptions.defaults().withKind(DatasetKind.PROMPTS));

        assertThat(c.examples).hasSize(3);
        Example first = c.examples.get(0);
        assertThat(first.messages()).singleElement().satisfies(m -> assertThat(m.parts()).containsExactly(
                new Part.Text("What is shown in"), new Part.RemoteImage("https://example.org/eval/cat.jpg"),
                new Part.Text("? Answer in one word.")));
        assertThat(first.metadata()).containsEntry("source_id", "mm-001").containsEntry("task_type", "visual_qa");
        assertThat(c.examples.get(2).messages().get(0).parts()).containsExactly(new Part.Text("Which of"),
                new Part.RemoteImage("https://example.org/eval/a.jpg"), new Part.Text("and"),
                new Part.Image(keys.get("img/red.png")), new Part.Text("is older?"));
        assertThat(c.problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.reason()).contains("1 <img> placeholder but 0 images listed");
        });
    }

    /** Every image of each multimodal source record is in the stored example, in its turn and order. */
    @Test
    void everySourceImageLandsInPlaceAfterARoundTrip() throws Exception {
        ObjectMapper json = new ObjectMapper();
        record Case(String fixture, DatasetKind kind) {
        }
        for (Case k : List.of(new Case("llamafactory_mllm.json", DatasetKind.SFT),
                new Case("llamafactory_typed.jsonl", DatasetKind.SFT),
                new Case("categories.jsonl", DatasetKind.SFT),
                new Case("prompts_mixed_modal.jsonl", DatasetKind.PROMPTS))) {
            Path file = Fixtures.fixture(dir, k.fixture());
            Fixtures.Collector c = Fixtures.read(Fixtures.reader(Fixtures.store(dir),
                    ImportOptions.defaults().withKind(k.kind())), file);
            List<JsonNode> records = records(json, file);
            int checked = 0;
            for (Example e : c.examples) {
                JsonNode rec = records.stream().filter(r -> r.get("line").asLong() == e.source().line())
                        .findFirst().orElseThrow().get("rec");
                Example stored = ExampleJson.fromNode(ExampleJson.toNode(e, key -> "images/" + key));
                assertThat(imagesByTurn(stored)).as(k.fixture() + ":" + e.source().line())
                        .isEqualTo(expectedByTurn(rec));
                checked += stored.imageCount();
            }
            assertThat(checked).as(k.fixture()).isPositive();
        }
    }

    /** The images of an example as "turn:ref" in order, refs turned back into the fixture's names. */
    private List<String> imagesByTurn(Example e) {
        List<String> out = new ArrayList<>();
        for (int t = 0; t < e.messages().size(); t++) {
            for (Part p : e.messages().get(t).parts()) {
                if (p instanceof Part.Image i) {
                    String ref = keys.entrySet().stream().filter(x -> x.getValue().equals(i.sha256()))
                            .map(Map.Entry::getKey).findFirst().orElse(i.sha256());
                    out.add(t + ":" + ref);
                } else if (p instanceof Part.RemoteImage r) {
                    out.add(t + ":" + r.url());
                }
            }
        }
        return out;
    }

    private static final Pattern SLOT = Pattern.compile("<image>|<img>|\"type\":\"image(?:_url)?\"[^}]*?}");
    private static final Pattern INLINE = Pattern.compile("\"(?:url|value)\":\"([^\"]+\\.png)\"");

    /**
     * What the source says, read independently of the importer: per turn, its placeholders and image parts in
     * order; a placeholder or an address-less part takes the next listed image, an inline part its own address.
     */
    private static List<String> expectedByTurn(JsonNode rec) {
        List<String> listed = new ArrayList<>();
        JsonNode list = rec.has("images") ? rec.get("images") : rec.get("image_urls");
        if (list != null) {
            list.forEach(n -> listed.add(n.asText()));
        }
        JsonNode turns = rec.has("messages") ? rec.get("messages") : rec.get("conversations");
        List<String> contents = new ArrayList<>();
        if (turns == null) {
            contents.add(rec.get("prompt").asText());
        } else {
            turns.forEach(t -> contents.add(t.path("content").toString()));
        }
        List<String> out = new ArrayList<>();
        int next = 0;
        for (int t = 0; t < contents.size(); t++) {
            Matcher m = SLOT.matcher(contents.get(t));
            while (m.find()) {
                Matcher inline = INLINE.matcher(m.group());
                out.add(t + ":" + (inline.find() ? inline.group(1) : listed.get(next++)));
            }
        }
        if (next == 0 && !listed.isEmpty() && out.isEmpty()) {
            listed.forEach(r -> out.add("0:" + r));
        }
        return out;
    }

    /** The fixture's records with the line each starts on (JSONL: one a line; JSON: each array element's start). */
    private static List<JsonNode> records(ObjectMapper json, Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (file.toString().endsWith(".jsonl")) {
            List<String> ls = Files.readAllLines(file);
            for (int i = 0; i < ls.size(); i++) {
                out.add(json.createObjectNode().put("line", i + 1).set("rec", json.readTree(ls.get(i))));
            }
            return out;
        }
        try (JsonParser p = json.createParser(file.toFile())) {
            p.nextToken();
            while (p.nextToken() == JsonToken.START_OBJECT) {
                long line = p.currentTokenLocation().getLineNr();
                out.add(json.createObjectNode().put("line", line).set("rec", json.readTree(p)));
            }
        }
        return out;
    }
}
