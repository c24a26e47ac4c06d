package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Image-first rotation of image-caption pairs: deterministic per example and seed, about half of them. */
@Tag("unit")
class RenderRotationTest {

    final ByteTokenizer text = ByteTokenizer.smallest(16, 4);
    final Fakes.CodeTokenizer image = new Fakes.CodeTokenizer(4, 16);

    ChatRenderer renderer(RenderOptions o) {
        return new ChatRenderer(text, image, Fakes.colours(), o);
    }

    static List<Example> pairs(int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Examples.captionPair("a photo of thing " + i, Fakes.key(i)));
        }
        return out;
    }

    @Test
    void aboutHalfOfThePairsRotateAndTheChoiceIsStablePerExampleAndSeed() {
        List<Example> pairs = pairs(4000);
        ChatRenderer a = renderer(RenderOptions.rotating(42));
        ChatRenderer again = renderer(RenderOptions.rotating(42));
        ChatRenderer other = renderer(RenderOptions.rotating(43));
        int rotated = 0;
        int differs = 0;
        for (Example e : pairs) {
            boolean r = a.rotates(e);
            assertThat(again.rotates(e)).isEqualTo(r);
            assertThat(a.rotates(e.withId(99))).as("the id is not content").isEqualTo(r);
            rotated += r ? 1 : 0;
            differs += r != other.rotates(e) ? 1 : 0;
        }
        assertThat(rotated).isBetween(1800, 2200); // 50% +- 5 points; 4000 draws have a sd of ~32
        assertThat(differs).as("another seed picks another half").isBetween(1700, 2300);
    }

    @Test
    void aRotatedPairHasTheImageInThePromptAndTheCaptionAsTheAnswer() throws IOException {
        ChatRenderer r = renderer(RenderOptions.rotating(1));
        Example e = pairs(50).stream().filter(r::rotates).findFirst().orElseThrow();
        RenderedExample out = r.render(e);
        assertThat(out.rotated()).isTrue();
        assertThat(out.spans()).extracting(RenderedExample.Span::role).containsExactly(Role.USER, Role.ASSISTANT);
        RenderedExample.ImageBlock block = out.images().get(0);
        assertThat(block.message()).isZero();
        assertThat(block.fit()).isEqualTo(ImageFit.PAD);
        for (int i = block.start(); i < block.end(); i++) {
            assertThat(out.loss()[i]).isFalse();
        }
        RenderedExample.Span answer = out.spans().get(1);
        String caption = e.messages().get(0).text();
        assertThat(text.decode(Arrays.copyOfRange(out.tokens(), answer.contentStart(), answer.end())))
                .isEqualTo(caption);
        assertThat(out.count().loss()).isEqualTo(text.encode(caption).length + 1);

        RenderedExample plain = renderer(RenderOptions.PLAIN).render(e);
        assertThat(plain.rotated()).isFalse();
        assertThat(plain.images().get(0).fit()).isEqualTo(ImageFit.CENTER_CROP);
        assertThat(plain.count().loss()).isEqualTo(4 + 2 + 1);
        assertThat(plain.length()).isEqualTo(out.length());
    }

    @Test
    void onlyImageCaptionPairsRotate() {
        String k = Fakes.key(3);
        List<Example> notPairs = List.of(
                Examples.visualChat(k, "what is it?", "a cat"),
                Examples.text("a", "b"),
                Examples.interleaved("q", k, Fakes.key(4)),
                Examples.of(Category.IMAGE_GENERATION, Message.text(Role.USER, "draw"),
                        Message.of(Role.ASSISTANT, Part.text("here:"), Part.image(k))),
                Examples.of(Category.IMAGE_GENERATION, Message.text(Role.USER, "draw two"),
                        Message.of(Role.ASSISTANT, Part.image(k), Part.image(k))),
                Examples.of(Category.VISUAL_CHAT, Message.text(Role.USER, "a caption"),
                        Message.of(Role.ASSISTANT, Part.image(k))));
        for (long seed = 0; seed < 20; seed++) {
            ChatRenderer r = renderer(RenderOptions.rotating(seed));
            for (Example e : notPairs) {
                assertThat(r.rotates(e)).as("%s under seed %d", e.category(), seed).isFalse();
            }
        }
        ChatRenderer plain = renderer(RenderOptions.PLAIN);
        assertThat(pairs(200)).noneMatch(plain::rotates);
    }

    @Test
    void aLeadingSystemMessageStaysFirst() throws IOException {
        List<Example> withSystem = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            withSystem.add(Examples.of(Category.IMAGE_GENERATION, Message.text(Role.SYSTEM, "You draw."),
                    Message.text(Role.USER, "sunset " + i), Message.of(Role.ASSISTANT, Part.image(Fakes.key(i)))));
        }
        ChatRenderer r = renderer(RenderOptions.rotating(5));
        Example e = withSystem.stream().filter(r::rotates).findFirst().orElseThrow();
        assertThat(r.render(e).spans()).extracting(RenderedExample.Span::role)
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT);
    }
}
