package dev.chameleon.workbench.trainer.render;

import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chat template's invariants: where the loss is, complete image blocks, a consistent modality mask. */
@Tag("unit")
class RenderTemplateTest {

    static final int N = 4;
    final ByteTokenizer text = ByteTokenizer.smallest(16, 4);
    final Fakes.CodeTokenizer image = new Fakes.CodeTokenizer(N, 16);
    final ChatRenderer renderer = new ChatRenderer(text, image, Fakes.colours(), RenderOptions.PLAIN);
    final VocabularyLayout layout = text.layout();

    @Test
    void visualChatRendersAsTheDrawnTemplate() throws IOException {
        String key = Fakes.key(1);
        RenderedExample r = renderer.render(Examples.visualChat(key, "What shape?", "A red circle."));

        List<Integer> expected = new ArrayList<>();
        expected.add(layout.bos());
        add(expected, text.encode("User: "));
        expected.add(layout.beginImage());
        for (int c : image.encode(Fakes.colours().read(key), ImageFit.PAD)) {
            expected.add(layout.imageToken(c));
        }
        expected.add(layout.endImage());
        add(expected, text.encode("What shape?"));
        expected.add(layout.endOfTurn());
        add(expected, text.encode("Assistant: "));
        int answerStart = expected.size();
        add(expected, text.encode("A red circle."));
        expected.add(layout.endOfTurn());
        assertThat(r.tokens()).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());

        for (int i = 0; i < r.length(); i++) {
            assertThat(r.loss()[i]).as("loss at %d", i).isEqualTo(i >= answerStart);
        }
        assertThat(r.spans()).extracting(RenderedExample.Span::role).containsExactly(Role.USER, Role.ASSISTANT);
        assertThat(r.spans().get(1).contentStart()).isEqualTo(answerStart);
        assertThat(r.images()).singleElement().satisfies(b -> {
            assertThat(b.fit()).isEqualTo(ImageFit.PAD);
            assertThat(b.start()).isEqualTo(1 + text.encode("User: ").length);
            assertThat(b.codes()).isEqualTo(N);
        });
        assertThat(r.rotated()).isFalse();
        assertThat(r.category()).isEqualTo(Category.VISUAL_CHAT);
    }

    @Test
    void answerImagesAreCentreCroppedAndPromptImagesPadded() throws IOException {
        Example e = Examples.of(Category.INTERLEAVED_GENERATION,
                Message.of(Role.USER, Part.image(Fakes.key(1)), Part.text("and?")),
                Message.of(Role.ASSISTANT, Part.image(Fakes.key(2)), Part.image(Fakes.key(3))),
                Message.of(Role.SYSTEM, Part.image(Fakes.key(4))));
        RenderedExample r = renderer.render(e);
        assertThat(image.fits).containsExactly(ImageFit.PAD, ImageFit.CENTER_CROP, ImageFit.CENTER_CROP, ImageFit.PAD);
        assertThat(r.images()).extracting(RenderedExample.ImageBlock::fit)
                .containsExactly(ImageFit.PAD, ImageFit.CENTER_CROP, ImageFit.CENTER_CROP, ImageFit.PAD);
        assertInvariants(e, r);
    }

    @Test
    void invariantsHoldForHandMadeAndRandomExamples() throws IOException {
        List<Example> all = new ArrayList<>(Examples.random(7, 400));
        all.add(Examples.text("hi", "hello"));
        all.add(Examples.interleaved("draw two", Fakes.key(5), Fakes.key(6)));
        all.add(Examples.captionPair("a cat", Fakes.key(7)));
        for (Example e : all) {
            assertInvariants(e, renderer.render(e));
        }
    }

    @Test
    void textOfEachMessageDecodesBackWithItsHeader() throws IOException {
        Example e = Examples.interleaved("draw two", Fakes.key(5), Fakes.key(6));
        RenderedExample r = renderer.render(e);
        for (RenderedExample.Span s : r.spans()) {
            Message m = e.messages().get(s.message());
            String decoded = text.decode(Arrays.copyOfRange(r.tokens(), s.start(), s.end()));
            // Image blocks and the end-of-turn are skipped by decode; text parts around an image are not joined.
            assertThat(decoded.replace("\n", "")).isEqualTo((ChatRenderer.header(m.role()) + m.text()).replace("\n", ""));
        }
    }

    @Test
    void refusedAndMissingImagesNameTheExampleAndTheImage() {
        String tiny = "00" + Fakes.key(3).substring(2);
        Example e = Examples.visualChat(tiny, "q", "a");
        assertThatThrownBy(() -> renderer.render(e)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("test.jsonl:1").hasMessageContaining(tiny).hasMessageContaining("1x1");

        ChatRenderer noImages = new ChatRenderer(text, image, sha -> {
            throw new IOException("image " + sha + " is not in the store");
        }, RenderOptions.PLAIN);
        assertThatThrownBy(() -> noImages.render(Examples.visualChat(Fakes.key(1), "q", "a")))
                .isInstanceOf(IOException.class).hasMessageContaining("message 1").hasMessageContaining(Fakes.key(1));

        image.wrongCount = N - 1;
        assertThatThrownBy(() -> renderer.render(Examples.visualChat(Fakes.key(1), "q", "a")))
                .hasMessageContaining("returned 3 codes instead of 4");
    }

    @Test
    void aCodebookThatDoesNotMatchTheVocabularyIsRefusedWithTheFix() {
        assertThatThrownBy(() -> new ChatRenderer(text, new Fakes.CodeTokenizer(N, 32), Fakes.colours(),
                RenderOptions.PLAIN)).hasMessageContaining("--codebook-size 32");
    }

    /** Every rule of the template, checked position by position. */
    void assertInvariants(Example e, RenderedExample r) {
        int n = r.length();
        assertThat(r.loss()).hasSize(n);
        assertThat(r.modality()).hasSize(n);
        assertThat(r.tokens()[0]).isEqualTo(layout.bos());
        assertThat(r.loss()[0]).isFalse();

        // Spans tile the sequence after BOS, one per message, each closed by an end-of-turn.
        assertThat(r.spans()).hasSize(e.messages().size());
        int at = 1;
        boolean[] answerContent = new boolean[n];
        for (RenderedExample.Span s : r.spans()) {
            assertThat(s.start()).isEqualTo(at);
            assertThat(s.role()).isEqualTo(e.messages().get(s.message()).role());
            assertThat(Arrays.copyOfRange(r.tokens(), s.start(), s.contentStart())).containsExactly(
                    text.encode(ChatRenderer.header(s.role())));
            assertThat(r.tokens()[s.end() - 1]).isEqualTo(layout.endOfTurn());
            for (int i = s.start(); i < s.end(); i++) {
                boolean answer = s.role() == Role.ASSISTANT && i >= s.contentStart();
                answerContent[i] = answer;
                // Loss exactly on answer content and its end-of-turn: never on a header or a prompt token.
                assertThat(r.loss()[i]).as("loss at %d (%s)", i, s.role()).isEqualTo(answer);
            }
            at = s.end();
        }
        assertThat(at).isEqualTo(n);

        // Image blocks: begin-image, exactly N codes, end-image; no image token anywhere else.
        boolean[] inBlock = new boolean[n];
        for (RenderedExample.ImageBlock b : r.images()) {
            assertThat(b.end() - b.start()).isEqualTo(N + 2);
            assertThat(r.tokens()[b.start()]).isEqualTo(layout.beginImage());
            assertThat(r.tokens()[b.end() - 1]).isEqualTo(layout.endImage());
            for (int i = b.codesStart(); i < b.end() - 1; i++) {
                assertThat(layout.isImageCode(r.tokens()[i])).isTrue();
            }
            for (int i = b.start(); i < b.end(); i++) {
                inBlock[i] = true;
                assertThat(r.loss()[i]).isEqualTo(answerContent[b.start()]); // a block is all-loss or no-loss
            }
            Role role = e.messages().get(b.message()).role();
            assertThat(b.fit()).isEqualTo(role == Role.ASSISTANT ? ImageFit.CENTER_CROP : ImageFit.PAD);
        }
        assertThat(r.images()).hasSize(e.imageCount());
        for (int i = 0; i < n; i++) {
            int t = r.tokens()[i];
            Modality m = r.modalityAt(i);
            if (layout.isImageCode(t)) {
                assertThat(m).isEqualTo(Modality.IMAGE);
                assertThat(inBlock[i]).isTrue();
            } else if (t == layout.bos() || t == layout.beginImage() || t == layout.endImage()
                    || t == layout.endOfTurn()) {
                assertThat(m).isEqualTo(Modality.SPECIAL);
                if (t == layout.beginImage() || t == layout.endImage()) {
                    assertThat(inBlock[i]).isTrue();
                }
            } else {
                assertThat(t).isGreaterThanOrEqualTo(layout.textStart()).isLessThan(layout.size());
                assertThat(m).isEqualTo(Modality.TEXT);
                assertThat(inBlock[i]).isFalse();
            }
        }
    }

    private static void add(List<Integer> list, int[] ids) {
        for (int id : ids) {
            list.add(id);
        }
    }
}
