package dev.chameleon.workbench.curation.model;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class CategoryRulesTest {

    private static final String IMG = "a".repeat(64);
    private final CategoryRules rules = new CategoryRules(HarmTaxonomy.standard());

    @Test
    void detectsCategoriesFromStructureAndContent() {
        assertThat(rules.detect(List.of(Message.text(Role.USER, "Hi"), Message.text(Role.ASSISTANT, "Hello!")), null))
                .isEqualTo(Category.TEXT);
        assertThat(rules.detect(List.of(Message.text(Role.USER, "square?"),
                Message.text(Role.ASSISTANT, "```python\ndef sq(x):\n    return x * x\n```")), null))
                .isEqualTo(Category.CODE);
        assertThat(rules.detect(List.of(Message.of(Role.USER, Part.image(IMG), Part.text("What is it?")),
                Message.text(Role.ASSISTANT, "A cat.")), null)).isEqualTo(Category.VISUAL_CHAT);
        assertThat(rules.detect(List.of(Message.text(Role.USER, "Draw a cat"),
                Message.of(Role.ASSISTANT, Part.image(IMG))), null)).isEqualTo(Category.IMAGE_GENERATION);
        assertThat(rules.detect(List.of(Message.text(Role.USER, "A story with pictures"),
                Message.of(Role.ASSISTANT, Part.text("Once"), Part.image(IMG), Part.text("The end"))), null))
                .isEqualTo(Category.INTERLEAVED_GENERATION);
        assertThat(rules.detect(List.of(Message.text(Role.USER, "How do I pick a lock to break in?"),
                Message.text(Role.ASSISTANT, "I can't help with that.")), null)).isEqualTo(Category.SAFETY);
        assertThat(rules.detect(List.of(Message.text(Role.USER, "x"), Message.text(Role.ASSISTANT, "y")), "privacy"))
                .isEqualTo(Category.SAFETY);
    }

    @Test
    void checksEachCategorysShape() {
        Example textOnly = Example.of(List.of(Message.text(Role.USER, "Draw a cat"),
                Message.text(Role.ASSISTANT, "Here.")), Category.IMAGE_GENERATION, new Source("f", 1));
        assertThat(rules.problems(textOnly)).containsExactly(
                "an Image Generation example needs an image in an assistant answer");
        assertThat(rules.problems(textOnly.withCategory(Category.VISUAL_CHAT)))
                .containsExactly("a Visual Chat example needs an image in a user turn");
        assertThat(rules.problems(textOnly.withCategory(Category.SAFETY)))
                .singleElement().asString().startsWith("a Safety example needs a harm category");
        assertThat(rules.problems(textOnly.withCategory(Category.SAFETY).withHarmCategory("privacy"))).isEmpty();
        assertThat(rules.problems(textOnly.withCategory(Category.SAFETY).withHarmCategory("gossip")))
                .singleElement().asString().startsWith("unknown harm category 'gossip'");
        Example noAnswer = Example.of(List.of(Message.text(Role.USER, "hi")), Category.TEXT, new Source("f", 1));
        assertThat(rules.problems(noAnswer)).anyMatch(p -> p.contains("no assistant message"));
        Example imageOnlyInterleaved = Example.of(List.of(Message.text(Role.USER, "story"),
                Message.of(Role.ASSISTANT, Part.image(IMG))), Category.INTERLEAVED_GENERATION, new Source("f", 1));
        assertThat(rules.problems(imageOnlyInterleaved)).anyMatch(p -> p.contains("must mix text"));
    }

    @Test
    void promptSetsNeedNoAnswerAndKeepTheirOwnHarmLabels() {
        Example prompt = Example.of(List.of(Message.text(Role.USER, "How do I make a weapon?")), Category.TEXT,
                new Source("f", 1));
        assertThat(rules.problems(prompt)).anyMatch(p -> p.contains("no assistant message"));
        assertThat(rules.problems(prompt, DatasetKind.PROMPTS)).isEmpty();
        assertThat(rules.problems(prompt.withCategory(Category.SAFETY), DatasetKind.PROMPTS)).isEmpty();
        assertThat(rules.problems(prompt.withCategory(Category.VISUAL_CHAT), DatasetKind.PROMPTS))
                .containsExactly("a Visual Chat example needs an image in a user turn");
        Example toolCall = Example.of(List.of(Message.text(Role.USER, "Weather?"),
                Message.text(Role.FUNCTION_CALL, "{\"name\":\"weather\"}")), Category.TEXT, new Source("f", 1));
        assertThat(rules.problems(toolCall)).isEmpty();
    }

    @Test
    void structuralDetectionIgnoresWhatTheTextSays() {
        List<Message> refusal = List.of(Message.text(Role.USER, "Come on Friday?"),
                Message.text(Role.ASSISTANT, "I'm sorry, but I can't make it."));
        assertThat(rules.detect(refusal, null)).isEqualTo(Category.SAFETY);
        assertThat(rules.detectStructure(refusal)).isEqualTo(Category.TEXT);
        assertThat(rules.detectStructure(List.of(Message.of(Role.USER, Part.image(IMG)),
                Message.text(Role.ASSISTANT, "I can't help with that.")))).isEqualTo(Category.VISUAL_CHAT);
    }

    @Test
    void canonicalJsonRoundTripsEveryField() {
        Example e = new Example(0, List.of(Message.text(Role.SYSTEM, "Be brief."),
                Message.of(Role.USER, Part.image(IMG), Part.text("What? \u00e9\u4e2d\ud83d\ude00")),
                Message.text(Role.ASSISTANT, "A \"quoted\"\nanswer.")), Category.VISUAL_CHAT, new Source("x.jsonl", 7),
                Set.of("t1"), ReviewStatus.ACCEPTED, null, Map.of("k", "v"));
        Example back = ExampleJson.fromNode(ExampleJson.toNode(e, k -> "images/" + k + ".png"));
        assertThat(back).isEqualTo(e);
    }

    @Test
    void taxonomyFilesAreValidated() {
        assertThat(HarmTaxonomy.standard().ids()).contains("violence", "weapons", "controlled_substances", "privacy",
                "sexual_content", "cyber_security", "self_harm", "hate");
        assertThatThrownBy(() -> HarmTaxonomy.parse(new ByteArrayInputStream(
                "harms:\n  - id: Bad Id\n".getBytes(StandardCharsets.UTF_8)), "t.yaml"))
                .hasMessageContaining("t.yaml").hasMessageContaining("snake_case");
        assertThatThrownBy(() -> HarmTaxonomy.parse(new ByteArrayInputStream(
                "harms:\n  - id: a\n  - id: a\n".getBytes(StandardCharsets.UTF_8)), "t.yaml"))
                .hasMessageContaining("appears twice");
    }

    @Test
    void rolesAndCategoriesParseCommonSpellings() {
        assertThat(Role.parse("gpt")).isEqualTo(Role.ASSISTANT);
        assertThat(Role.parse("human")).isEqualTo(Role.USER);
        assertThat(Category.parse("Visual Chat")).isEqualTo(Category.VISUAL_CHAT);
        assertThat(Category.parse("interleaved")).isEqualTo(Category.INTERLEAVED_GENERATION);
        assertThatThrownBy(() -> Role.parse("narrator")).hasMessageContaining("use one of");
    }
}
