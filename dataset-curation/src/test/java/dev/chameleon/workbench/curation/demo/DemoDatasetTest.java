package dev.chameleon.workbench.curation.demo;

import dev.chameleon.workbench.curation.demo.ShapeImages.Colour;
import dev.chameleon.workbench.curation.demo.ShapeImages.Shape;
import dev.chameleon.workbench.curation.images.ImageLimits;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.CategoryRules;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.HarmTaxonomy;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.model.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The demo dataset: deterministic, all six categories, valid, and checkable by a script. */
@Tag("unit")
class DemoDatasetTest {

    private static final CategoryRules RULES = new CategoryRules(HarmTaxonomy.standard());

    @TempDir
    static Path dir;
    private static ImageStore store;
    private static DemoDataset demo;

    @BeforeAll
    static void generate() {
        store = new ImageStore(dir.resolve("images"), ImageLimits.defaults());
        demo = DemoDataset.generate(store, DemoDataset.DEFAULT_SEED, DemoDataset.DEFAULT_SIZE);
    }

    @Test
    void theSameSeedGivesTheSameExamplesAndImages(@TempDir Path other) {
        ImageStore otherStore = new ImageStore(other, ImageLimits.defaults());
        DemoDataset again = DemoDataset.generate(otherStore, DemoDataset.DEFAULT_SEED, DemoDataset.DEFAULT_SIZE);
        assertThat(again.train()).isEqualTo(demo.train());
        assertThat(again.heldOut()).isEqualTo(demo.heldOut());
        assertThat(imageKeys(again.train())).isEqualTo(imageKeys(demo.train())).isNotEmpty();
        assertThat(imageKeys(again.train())).allMatch(otherStore::contains);
    }

    @Test
    void anotherSeedGivesOtherPictures(@TempDir Path other) {
        DemoDataset changed = DemoDataset.generate(new ImageStore(other, ImageLimits.defaults()),
                DemoDataset.DEFAULT_SEED + 1, DemoDataset.DEFAULT_SIZE);
        assertThat(changed.train()).isNotEqualTo(demo.train());
        assertThat(changed.seed()).isEqualTo(DemoDataset.DEFAULT_SEED + 1);
    }

    @Test
    void allSixCategoriesGetAnEvenShare(@TempDir Path dir) {
        DemoDataset small = DemoDataset.generate(new ImageStore(dir, ImageLimits.defaults()), DemoDataset.DEFAULT_SEED,
                360);
        Map<Category, Long> train = byCategory(small.train());
        Map<Category, Long> heldOut = byCategory(small.heldOut());
        for (Category c : Category.values()) {
            assertThat(train.get(c)).as("train %s", c).isEqualTo(60L);
            assertThat(heldOut.get(c)).as("held-out %s", c).isEqualTo(15L);
        }
    }

    @Test
    void pictureCategoriesGetTheirFullShareAndOthersStopAtTheirDistinctConversations() {
        Map<Category, Long> train = byCategory(demo.train());
        long share = DemoDataset.DEFAULT_SIZE / Category.values().length;
        for (Category c : List.of(Category.VISUAL_CHAT, Category.INTERLEAVED_GENERATION)) {
            assertThat(train.get(c)).as("train %s", c).isEqualTo(share);
        }
        // Drawing: every phrasing of every combo in both centred sizes, once each.
        assertThat(train.get(Category.IMAGE_GENERATION)).isEqualTo((long) ImageGenerationTasks.PHRASINGS.size()
                * Shape.values().length * Colour.values().length * ShapeImages.centred().size());
        for (Category c : List.of(Category.TEXT, Category.CODE, Category.SAFETY)) {
            assertThat(train.get(c)).as("train %s", c).isBetween(50L, share);
        }
    }

    @Test
    void everyExampleIsValidAndDetectedAsItsCategory() {
        for (Example e : all()) {
            assertThat(RULES.problems(e)).as("%s: %s", e.source(), e.prompt()).isEmpty();
            assertThat(RULES.detect(e.messages(), e.harmCategory())).as("%s: %s", e.source(), e.prompt())
                    .isEqualTo(e.category());
        }
    }

    @Test
    void examplesAreAcceptedTaggedAndNumbered() {
        List<Example> train = demo.train();
        for (int i = 0; i < train.size(); i++) {
            Example e = train.get(i);
            assertThat(e.status()).isEqualTo(ReviewStatus.ACCEPTED);
            assertThat(e.tags()).contains(DemoDataset.TAG).doesNotContain(DemoDataset.HELD_OUT_TAG);
            assertThat(e.source().file()).isEqualTo("demo-generator");
            assertThat(e.source().line()).isEqualTo(i + 1);
            assertThat(e.metadata()).containsEntry("split", "train").containsKey("task");
        }
        for (Example e : demo.heldOut()) {
            assertThat(e.tags()).contains(DemoDataset.TAG, DemoDataset.HELD_OUT_TAG);
            assertThat(e.metadata()).containsEntry("split", "heldout").containsKey("heldout");
        }
    }

    @Test
    void trainingHasNoDuplicateConversations() {
        Set<List<Message>> seen = new HashSet<>();
        for (Example e : demo.train()) {
            assertThat(seen.add(e.messages())).as("duplicate: %s", e.prompt()).isTrue();
        }
    }

    @Test
    void noHeldOutPromptIsATrainingPrompt() {
        Set<List<Part>> trainPrompts = demo.train().stream().map(DemoDatasetTest::prompt).collect(Collectors.toSet());
        Set<String> trainImages = new HashSet<>(imageKeys(demo.train()));
        for (Example e : demo.heldOut()) {
            assertThat(trainPrompts).as("held-out prompt seen in training: %s", e.prompt()).doesNotContain(prompt(e));
            assertThat(promptImages(e)).as("held-out prompt picture used in training").noneMatch(trainImages::contains);
        }
    }

    @Test
    void everyComboIsTaughtAndHeldOutPicturesUseOnlyHeldOutPlacements() {
        Set<String> taught = new HashSet<>();
        for (Example e : only(Category.IMAGE_GENERATION)) {
            if (!e.tags().contains(DemoDataset.HELD_OUT_TAG)) {
                taught.addAll(combos(e));
            }
        }
        assertThat(taught).hasSize(Shape.values().length * Colour.values().length);
        Set<String> heldOutPictures = new HashSet<>();
        for (Shape s : Shape.values()) {
            for (Colour c : Colour.values()) {
                for (ShapeImages.Placement p : ShapeImages.placements()) {
                    if (p.heldOut()) {
                        heldOutPictures.add(ImageStore.sha256(ShapeImages.png(s, c, ShapeImages.SIZE, p)));
                    }
                }
            }
        }
        List<String> heldOutPrompts = demo.heldOut().stream().flatMap(e -> promptImages(e).stream()).toList();
        assertThat(heldOutPrompts).isNotEmpty().allMatch(heldOutPictures::contains);
        assertThat(imageKeys(demo.train())).noneMatch(heldOutPictures::contains);
        // Answers draw centred shapes only: two layouts per combo.
        Set<String> centred = new HashSet<>();
        for (Shape s : Shape.values()) {
            for (Colour c : Colour.values()) {
                for (ShapeImages.Placement p : ShapeImages.centred()) {
                    centred.add(ImageStore.sha256(ShapeImages.png(s, c, ShapeImages.SIZE, p)));
                }
            }
        }
        assertThat(ShapeImages.centred()).extracting(ShapeImages.Placement::side).containsExactly(4, 6);
        List<String> answerPictures = all().stream().flatMap(e -> e.messages().stream())
                .filter(m -> m.role() == Role.ASSISTANT).flatMap(m -> m.parts().stream())
                .filter(p -> p instanceof Part.Image).map(p -> ((Part.Image) p).sha256()).toList();
        assertThat(answerPictures).isNotEmpty().allMatch(centred::contains);
        assertThat(demo.heldOut()).anyMatch(e -> "new_picture".equals(e.metadata().get("heldout")))
                .anyMatch(e -> "new_phrasing".equals(e.metadata().get("heldout")));
    }

    @Test
    void everyPictureShowsTheShapeAndColourItsMetadataNames() throws IOException {
        for (Example e : all()) {
            if (!e.metadata().containsKey("shape")) {
                continue;
            }
            String[] shapes = e.metadata().get("shape").split(",");
            String[] colours = e.metadata().get("colour").split(",");
            List<String> keys = e.imageKeys();
            assertThat(keys).hasSize(shapes.length);
            for (int i = 0; i < keys.size(); i++) {
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(store.read(keys.get(i))));
                assertThat(img.getWidth()).isEqualTo(ShapeImages.SIZE);
                assertThat(img.getHeight()).isEqualTo(ShapeImages.SIZE);
                Shape shape = Shape.valueOf(shapes[i].toUpperCase(Locale.ROOT));
                Colour colour = Colour.valueOf(colours[i].toUpperCase(Locale.ROOT));
                assertThat(ShapeImages.dominantShape(img)).as(e.prompt()).contains(shape);
                assertThat(ShapeImages.dominantColour(img)).as(e.prompt()).contains(colour);
            }
        }
    }

    @Test
    void imageGenerationAnswersArePicturesOnly() {
        for (Example e : only(Category.IMAGE_GENERATION)) {
            Message answer = e.messages().get(1);
            assertThat(answer.role()).isEqualTo(Role.ASSISTANT);
            assertThat(answer.parts()).singleElement().isInstanceOf(Part.Image.class);
            assertThat(e.prompt()).containsPattern(" " + e.metadata().get("colour") + " " + e.metadata().get("shape")
                    + "[.?]$");
        }
    }

    @Test
    void visualChatAnswersAreCanonical() {
        for (Example e : only(Category.VISUAL_CHAT)) {
            String shape = e.metadata().get("shape");
            String colour = e.metadata().get("colour");
            String expected = switch (e.prompt()) {
                case "What shape is this?" -> "A " + shape + ".";
                case "What colour is the shape?" -> VisualChatTasks.capitalise(colour) + ".";
                case "Describe the image." -> "A " + colour + " " + shape + " on a white background.";
                default -> throw new AssertionError("unexpected question " + e.prompt());
            };
            assertThat(e.messages().get(1).text()).isEqualTo(expected);
        }
    }

    @Test
    void interleavedAnswersNameEachOfTwoPictures() {
        for (Example e : only(Category.INTERLEAVED_GENERATION)) {
            List<Part> parts = e.messages().get(1).parts();
            assertThat(parts).hasSize(4);
            assertThat(parts.get(0)).isInstanceOf(Part.Text.class);
            assertThat(parts.get(1)).isInstanceOf(Part.Image.class);
            assertThat(parts.get(2)).isInstanceOf(Part.Text.class);
            assertThat(parts.get(3)).isInstanceOf(Part.Image.class);
            String[] shapes = e.metadata().get("shape").split(",");
            assertThat(((Part.Text) parts.get(0)).text()).contains(shapes[0]);
            assertThat(((Part.Text) parts.get(2)).text()).contains(shapes[1]);
        }
    }

    @Test
    void safetyRefusesEveryHarmIncludingMixedModalAttacks() {
        List<Example> safety = only(Category.SAFETY);
        assertThat(safety).allMatch(e -> CategoryRules.isRefusal(e.messages().get(1).text()));
        assertThat(safety).allMatch(e -> "refusal".equals(e.metadata().get("expect")));
        Set<String> harms = demo.train().stream().map(Example::harmCategory)
                .filter(h -> h != null).collect(Collectors.toSet());
        assertThat(harms).containsExactlyInAnyOrderElementsOf(HarmTaxonomy.standard().ids());
        assertThat(demo.train()).filteredOn(e -> "mixed_modal_attack".equals(e.harmCategory()))
                .isNotEmpty()
                .allMatch(e -> e.messages().get(0).hasImage());
    }

    @Test
    void harmlessLookalikesAreAnsweredNotRefused() {
        List<Example> lookalikes = all().stream().filter(e -> e.tags().contains(DemoDataset.LOOKALIKE_TAG)).toList();
        assertThat(lookalikes).filteredOn(e -> !e.tags().contains(DemoDataset.HELD_OUT_TAG)).hasSizeGreaterThan(10);
        assertThat(lookalikes).filteredOn(e -> e.tags().contains(DemoDataset.HELD_OUT_TAG)).isNotEmpty();
        for (Example e : lookalikes) {
            assertThat(e.category()).isEqualTo(Category.TEXT);
            assertThat(e.harmCategory()).isNull();
            assertThat(e.metadata()).containsEntry("expect", "answer");
            assertThat(CategoryRules.isRefusal(e.messages().get(1).text())).as(e.prompt()).isFalse();
        }
    }

    @Test
    void codeAnswersAreOneFencedFunction() {
        for (Example e : only(Category.CODE)) {
            assertThat(e.messages().get(1).text()).matches(
                    "```python\\ndef \\w+\\([\\w, ]+\\):\\n    return [^\\n]+\\n```"
                            + "|```javascript\\nfunction \\w+\\([\\w, ]+\\) \\{\\n  return [^\\n]+;\\n\\}\\n```");
        }
        assertThat(CodeTasks.answer(true, CodeTasks.UNARY.get(0), "x"))
                .isEqualTo("```python\ndef square(x):\n    return x * x\n```");
        assertThat(CodeTasks.answer(false, CodeTasks.BINARY.get(3), "a", "b"))
                .isEqualTo("```javascript\nfunction larger(a, b) {\n  return Math.max(a, b);\n}\n```");
    }

    @Test
    void otherSizesSplitEvenlyAndTooSmallIsRefused(@TempDir Path other) {
        ImageStore s = new ImageStore(other, ImageLimits.defaults());
        DemoDataset six = DemoDataset.generate(s, 3, 6);
        assertThat(byCategory(six.train())).hasSize(6).allSatisfy((c, n) -> assertThat(n).isEqualTo(1L));
        assertThat(byCategory(six.heldOut())).hasSize(6);
        assertThat(DemoDataset.generate(s, 3, 65).train()).hasSize(65);
        assertThatThrownBy(() -> DemoDataset.generate(s, 3, 5)).hasMessageContaining("between 6");
    }

    private static List<Example> all() {
        List<Example> out = new ArrayList<>(demo.train());
        out.addAll(demo.heldOut());
        return out;
    }

    private static List<Example> only(Category c) {
        return all().stream().filter(e -> e.category() == c).toList();
    }

    private static Map<Category, Long> byCategory(List<Example> examples) {
        Map<Category, Long> m = new EnumMap<>(Category.class);
        examples.forEach(e -> m.merge(e.category(), 1L, Long::sum));
        return m;
    }

    private static List<String> imageKeys(List<Example> examples) {
        return examples.stream().flatMap(e -> e.imageKeys().stream()).toList();
    }

    /** The pictures in what the user says. */
    private static List<String> promptImages(Example e) {
        return prompt(e).stream().filter(p -> p instanceof Part.Image).map(p -> ((Part.Image) p).sha256()).toList();
    }

    /** Everything the user says: text and pictures, in order. */
    private static List<Part> prompt(Example e) {
        return e.messages().stream().filter(m -> m.role() == Role.USER)
                .flatMap(m -> m.parts().stream()).toList();
    }

    /** The "colour shape" pairs an example's pictures show. */
    private static List<String> combos(Example e) {
        if (!e.metadata().containsKey("shape")) {
            return List.of();
        }
        String[] shapes = e.metadata().get("shape").split(",");
        String[] colours = e.metadata().get("colour").split(",");
        return Stream.iterate(0, i -> i < shapes.length, i -> i + 1).map(i -> colours[i] + " " + shapes[i]).toList();
    }
}
