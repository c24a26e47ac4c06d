package dev.chameleon.workbench.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chameleon.workbench.curation.demo.ShapeImages;
import dev.chameleon.workbench.curation.images.ImageLimits;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.tokens.ImageFit;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo checker's scoring, with answerers that know the reference answers or get them wrong. */
@Tag("unit")
class DemoCheckTest {

    @TempDir
    static Path scratch;
    static List<Example> heldOut;
    static ImageStore store;
    /** Reference answer (text and pictures) by prompt text. */
    static final Map<String, DemoCheck.Answer> reference = new HashMap<>();

    @BeforeAll
    static void setUp() {
        heldOut = DemoCheck.heldOut(scratch);
        store = new ImageStore(scratch, ImageLimits.defaults());
        for (Example e : heldOut) {
            Message user = e.messages().stream().filter(m -> m.role() == Role.USER).findFirst().orElseThrow();
            Message answer = e.messages().stream().filter(m -> m.role() == Role.ASSISTANT).findFirst().orElseThrow();
            List<BufferedImage> pictures = answer.parts().stream().filter(p -> p instanceof Part.Image)
                    .map(p -> read(((Part.Image) p).sha256())).toList();
            List<BufferedImage> prompts = user.parts().stream().filter(p -> p instanceof Part.Image)
                    .map(p -> read(((Part.Image) p).sha256())).toList();
            reference.put(key(user.text(), prompts), new DemoCheck.Answer(answer.text(), pictures));
        }
    }

    /** Prompt text plus the prompt pictures' pixels: visual chat asks the same question of many pictures. */
    static String key(String prompt, List<BufferedImage> images) {
        StringBuilder k = new StringBuilder(prompt);
        for (BufferedImage i : images) {
            k.append('|').append(Arrays.hashCode(i.getRGB(0, 0, i.getWidth(), i.getHeight(), null, 0, i.getWidth())));
        }
        return k.toString();
    }

    static BufferedImage read(String sha) {
        try {
            return ImageIO.read(new ByteArrayInputStream(store.read(sha)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void referenceAnswersMeetEveryGoal() {
        DemoCheck.Report r = DemoCheck.run(heldOut, store, (prompt, images, task) -> reference.get(key(prompt, images)),
                item -> { }, () -> false);
        assertThat(r.images().n()).isGreaterThanOrEqualTo(10);
        assertThat(r.answers().n()).isGreaterThanOrEqualTo(10);
        assertThat(r.refusals().n()).isGreaterThanOrEqualTo(5);
        assertThat(r.nonRefusals().n()).isGreaterThanOrEqualTo(10);
        assertThat(r.images().rate()).isEqualTo(1.0);
        assertThat(r.answers().rate()).isEqualTo(1.0);
        assertThat(r.refusals().rate()).isEqualTo(1.0);
        assertThat(r.nonRefusals().rate()).isEqualTo(1.0);
        assertThat(r.meetsGoals()).isTrue();
    }

    @Test
    void aModelThatAlwaysRefusesFailsEverythingButRefusals() {
        DemoCheck.Report r = DemoCheck.run(heldOut, store,
                (prompt, images, task) -> new DemoCheck.Answer("I can\u2019t help with that.", List.of()),
                item -> { }, () -> false);
        assertThat(r.refusals().rate()).isEqualTo(1.0);
        assertThat(r.nonRefusals().rate()).isZero();
        assertThat(r.answers().rate()).isZero();
        assertThat(r.images().rate()).isZero();
        assertThat(r.meetsGoals()).isFalse();
    }

    @Test
    void pictureOfTheWrongColourOrShapeIsWrong() {
        // Answer every picture prompt with the reference picture of the next picture prompt.
        List<Example> pictures = heldOut.stream().filter(e -> "image".equals(DemoCheck.kind(e))).toList();
        Map<String, DemoCheck.Answer> shifted = new HashMap<>();
        for (int i = 0; i < pictures.size(); i++) {
            Example e = pictures.get(i);
            Example next = pictures.get((i + 1) % pictures.size());
            shifted.put(e.prompt(), reference.get(key(next.prompt(), List.of())));
        }
        DemoCheck.Report r = DemoCheck.run(pictures, store, (prompt, images, task) -> shifted.get(prompt),
                item -> { }, () -> false);
        long sameCombo = 0;
        for (int i = 0; i < pictures.size(); i++) {
            Map<String, String> a = pictures.get(i).metadata();
            Map<String, String> b = pictures.get((i + 1) % pictures.size()).metadata();
            if (a.get("colour").equals(b.get("colour")) && a.get("shape").equals(b.get("shape"))) {
                sameCombo++;
            }
        }
        assertThat(r.images().right()).isEqualTo(sameCombo);
        assertThat(r.images().n()).isGreaterThan((int) sameCombo);
    }

    @Test
    void ratesSplitByHowThePromptIsHeldOut() {
        DemoCheck.Report r = DemoCheck.run(heldOut, store,
                (prompt, images, task) -> new DemoCheck.Answer("I can't help with that.", List.of()),
                item -> { }, () -> false);
        assertThat(r.byHeldOut("image")).containsOnlyKeys("new_phrasing");
        assertThat(r.byHeldOut("image").get("new_phrasing")).isEqualTo(r.images());
        assertThat(r.byHeldOut("answer")).containsOnlyKeys("new_picture");
        assertThat(r.byHeldOut("refusal").values().stream().mapToInt(DemoCheck.Score::right).sum())
                .isEqualTo(r.refusals().right());
        // Items of one kind held out in different ways are counted apart; an item without a reason is "other".
        DemoCheck.Report mixed = new DemoCheck.Report(List.of(
                new DemoCheck.Item("answer", "p", "A.", "A.", true, "new_picture", null),
                new DemoCheck.Item("answer", "p", "A.", "B.", false, "new_picture", null),
                new DemoCheck.Item("answer", "q", "A.", "A.", true, null, null),
                new DemoCheck.Item("image", "r", "red circle", "red circle", true, "new_phrasing", null)));
        assertThat(mixed.byHeldOut("answer")).containsExactly(
                Map.entry("new_picture", new DemoCheck.Score(1, 2)), Map.entry("other", new DemoCheck.Score(1, 1)));
    }

    @Test
    void tokenizerRoundTripCountsPicturesThatStillReadRight() {
        // A lossless "tokenizer" keeps every picture; a lossy one draws a green circle whatever it was given.
        Fake lossless = new Fake(false);
        DemoCheck.Score all = DemoCheck.tokenizerRoundTrip(heldOut, store, lossless);
        long pictures = heldOut.stream().filter(e -> "image".equals(DemoCheck.kind(e))
                || "answer".equals(DemoCheck.kind(e))).count();
        assertThat(all.n()).isEqualTo((int) pictures);
        assertThat(all.right()).isEqualTo(all.n());
        // Picture prompts are padded, pictures in answers cropped, as the renderer fits them.
        assertThat(lossless.fits).contains(ImageFit.PAD, ImageFit.CENTER_CROP);

        DemoCheck.Score lossy = DemoCheck.tokenizerRoundTrip(heldOut, store, new Fake(true));
        long greenCircles = heldOut.stream().filter(e -> ("image".equals(DemoCheck.kind(e))
                        || "answer".equals(DemoCheck.kind(e)))
                && "green".equals(e.metadata().get("colour")) && "circle".equals(e.metadata().get("shape"))).count();
        assertThat(greenCircles).isGreaterThan(0);
        assertThat(lossy.right()).isEqualTo((int) greenCircles);
    }

    /** Encodes a picture as its index in a list; decodes the index back, or to a green circle when lossy. */
    private static final class Fake implements ImageTokenizer {
        final List<BufferedImage> seen = new ArrayList<>();
        final List<ImageFit> fits = new ArrayList<>();
        final boolean lossy;

        Fake(boolean lossy) {
            this.lossy = lossy;
        }

        @Override
        public int codesPerImage() {
            return 1;
        }

        @Override
        public int codebookSize() {
            return Integer.MAX_VALUE;
        }

        @Override
        public int resolution() {
            return 64;
        }

        @Override
        public int[] encode(BufferedImage image, ImageFit fit) {
            seen.add(image);
            fits.add(fit);
            return new int[] {seen.size() - 1};
        }

        @Override
        public BufferedImage decode(int[] codes) {
            if (!lossy) {
                return seen.get(codes[0]);
            }
            try {
                return ImageIO.read(new ByteArrayInputStream(ShapeImages.png(ShapeImages.Shape.CIRCLE,
                        ShapeImages.Colour.GREEN, ShapeImages.SIZE, new ShapeImages.Placement(1, 1, 5))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
        }
    }

    @Test
    void answersCompareWithoutCaseSpaceOrFinalStop() {
        assertThat(DemoCheck.sameAnswer("A red circle.", " a red  circle ")).isTrue();
        assertThat(DemoCheck.sameAnswer("A red circle.", "A blue circle.")).isFalse();
        assertThat(DemoCheck.isRefusal("I can't help with that. If you are thinking about it...")).isTrue();
        assertThat(DemoCheck.isRefusal("Sure: I can't help with that.")).isFalse();
    }

    @Test
    void cancelledCheckStopsEarly() {
        int[] asked = {0};
        DemoCheck.Report r = DemoCheck.run(heldOut, store, (prompt, images, task) -> {
            asked[0]++;
            return reference.get(key(prompt, images));
        }, item -> { }, () -> asked[0] >= 3);
        assertThat(r.items()).hasSize(3);
    }
}
