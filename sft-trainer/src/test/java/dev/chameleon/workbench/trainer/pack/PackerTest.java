package dev.chameleon.workbench.trainer.pack;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class PackerTest {

    private static final List<BiFunction<Packer, List<PackItem>, PackPlan>> BOTH =
            List.of(Packer::bestFitDecreasing, Packer::firstFit);

    @Test
    void everyTokenOfEveryExampleAppearsOnceInOrderWithItsLossMaskAndPositions() {
        List<RenderedExample> examples = PackFixtures.random(7, 300, 4, 12, 6);
        List<PackItem> items = PackFixtures.items(examples);
        for (OversizePolicy policy : List.of(OversizePolicy.DROP, OversizePolicy.CUT_AT_TURN)) {
            for (var algorithm : BOTH) {
                PackPlan plan = algorithm.apply(new Packer(48, policy), items);
                PackedWindow row = new PackedWindow(48, -7);
                int[][] seen = new int[examples.size()][];
                for (int i = 0; i < examples.size(); i++) {
                    seen[i] = new int[examples.get(i).length()];
                }
                for (int w = 0; w < plan.windows(); w++) {
                    row.load(plan, w, examples);
                    assertThat(row.length()).isEqualTo(plan.used(w)).isLessThanOrEqualTo(48);
                    for (int d = 0; d < row.documents(); d++) {
                        int ex = row.exampleIndex(d);
                        RenderedExample src = examples.get(ex);
                        int from = plan.from(w, d);
                        for (int col = row.documentStart(d), pos = 0; col < row.documentStart(d + 1); col++, pos++) {
                            assertThat(row.tokens()[col]).isEqualTo(src.tokens()[from + pos]);
                            assertThat(row.lossMask()[col]).isEqualTo(src.loss()[from + pos]);
                            assertThat(row.modality()[col]).isEqualTo(src.modality()[from + pos]);
                            assertThat(row.documentIds()[col]).isEqualTo(d);
                            assertThat(row.positionIds()[col]).isEqualTo(pos);
                            seen[ex][from + pos]++;
                        }
                    }
                    for (int col = row.length(); col < 48; col++) {
                        assertThat(row.tokens()[col]).isEqualTo(-7);
                        assertThat(row.documentIds()[col]).isEqualTo(PackedWindow.PAD_DOCUMENT);
                        assertThat(row.lossMask()[col]).isFalse();
                    }
                }
                for (PackReport.Dropped d : plan.report().dropped()) {
                    int ex = d.id();
                    for (int p = d.from(); p < d.from() + d.length(); p++) {
                        seen[ex][p]++;
                    }
                }
                for (int[] counts : seen) {
                    assertThat(counts).containsOnly(1);
                }
            }
        }
    }

    @Test
    void noWindowExceedsCapacityAndUsedTokensAddUp() {
        List<PackItem> items = PackFixtures.randomLengths(3, 5000, 700);
        for (var algorithm : BOTH) {
            PackPlan plan = algorithm.apply(new Packer(1000, OversizePolicy.DROP), items);
            long sum = 0;
            for (int w = 0; w < plan.windows(); w++) {
                assertThat(plan.used(w)).isBetween(1, 1000);
                sum += plan.used(w);
            }
            assertThat(sum).isEqualTo(plan.report().realTokens())
                    .isEqualTo(items.stream().mapToLong(PackItem::length).sum());
        }
    }

    @Test
    void imageBlocksAreNeverSplitWhenCutting() {
        List<RenderedExample> examples = PackFixtures.random(11, 200, 6, 10, 20);
        List<PackItem> items = PackFixtures.items(examples);
        PackPlan plan = new Packer(40, OversizePolicy.CUT_AT_TURN).bestFitDecreasing(items);
        int pieces = 0;
        for (int w = 0; w < plan.windows(); w++) {
            for (int k = 0; k < plan.pieces(w); k++) {
                pieces++;
                int from = plan.from(w, k);
                int to = from + plan.length(w, k);
                for (RenderedExample.ImageBlock b : examples.get(plan.itemIndex(w, k)).images()) {
                    boolean inside = b.start() >= from && b.end() <= to;
                    boolean outside = b.end() <= from || b.start() >= to;
                    assertThat(inside || outside).as("image [%d,%d) vs piece [%d,%d)", b.start(), b.end(), from, to)
                            .isTrue();
                }
            }
        }
        assertThat(pieces).isGreaterThan(examples.size());
        for (PackReport.Dropped d : plan.report().dropped()) {
            for (RenderedExample.ImageBlock b : examples.get(d.id()).images()) {
                int to = d.from() + d.length();
                assertThat(b.start() >= d.from() && b.end() <= to || b.end() <= d.from() || b.start() >= to).isTrue();
            }
        }
    }

    @Test
    void cutAtTurnEndsEachPieceAtTheLastBoundaryThatFitsAndReportsStretchesThatDoNot() {
        Packer packer = new Packer(10, OversizePolicy.CUT_AT_TURN);
        PackItem fits = new PackItem(5, 25, Category.TEXT, new int[]{4, 8, 15, 25}, new int[0]);
        PackItem tooLong = new PackItem(6, 25, Category.TEXT, new int[]{3, 20, 25}, new int[0]);
        PackPlan plan = packer.firstFit(List.of(fits, tooLong));
        List<int[]> pieces = new ArrayList<>();
        for (int w = 0; w < plan.windows(); w++) {
            for (int k = 0; k < plan.pieces(w); k++) {
                pieces.add(new int[]{plan.items().get(plan.itemIndex(w, k)).id(), plan.from(w, k), plan.length(w, k)});
            }
        }
        pieces.sort(Comparator.<int[]>comparingInt(p -> p[0]).thenComparingInt(p -> p[1]));
        assertThat(pieces).containsExactly(new int[]{5, 0, 8}, new int[]{5, 8, 7}, new int[]{5, 15, 10},
                new int[]{6, 0, 3}, new int[]{6, 20, 5});
        assertThat(plan.report().dropped()).containsExactly(new PackReport.Dropped(6, 3, 17));
    }

    @Test
    void dropReportsEachOversizeExampleWithItsIdAndLength() {
        List<PackItem> items = List.of(PackItem.text(10, 5, Category.TEXT), PackItem.text(11, 12, Category.CODE),
                PackItem.text(12, 3, Category.TEXT), new PackItem(13, 30, Category.TEXT, new int[]{5, 30}, new int[0]));
        PackReport r = new Packer(10, OversizePolicy.DROP).bestFitDecreasing(items).report();
        assertThat(r.dropped()).containsExactly(new PackReport.Dropped(11, 0, 12), new PackReport.Dropped(13, 0, 30));
        assertThat(r.droppedTokens()).isEqualTo(42);
        assertThat(r.realTokens()).isEqualTo(8);
        assertThat(r.windows()).isEqualTo(1);
    }

    @Test
    void failPolicyNamesTheExampleAndTheFix() {
        List<PackItem> items = List.of(PackItem.text(1, 5, Category.TEXT), PackItem.text(77, 12, Category.TEXT));
        assertThatThrownBy(() -> new Packer(10, OversizePolicy.FAIL).bestFitDecreasing(items))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("example 77 has 12 tokens")
                .hasMessageContaining("window of 10")
                .hasMessageContaining("CUT_AT_TURN");
    }

    @Test
    void fillRatioIsRealTokensOverWindowCapacity() {
        List<PackItem> items = List.of(PackItem.text(0, 6, Category.TEXT), PackItem.text(1, 3, Category.TEXT),
                PackItem.text(2, 4, Category.TEXT));
        PackPlan bfd = new Packer(10, OversizePolicy.DROP).bestFitDecreasing(items);
        assertThat(bfd.windows()).isEqualTo(2);
        assertThat(bfd.used(0)).isEqualTo(10);
        assertThat(bfd.report().fillRatio()).isEqualTo(13.0 / 20);
        PackPlan ff = new Packer(10, OversizePolicy.DROP).firstFit(items);
        assertThat(ff.windows()).isEqualTo(2);
        assertThat(ff.used(0)).isEqualTo(9);
        assertThat(new Packer(10, OversizePolicy.DROP).bestFitDecreasing(List.of()).report().fillRatio()).isZero();
    }

    @Test
    void reportsTokenShareByCategoryAndModality() {
        List<PackItem> items = List.of(PackItem.text(0, 30, Category.TEXT),
                new PackItem(1, 70, Category.VISUAL_CHAT, new int[]{70}, new int[]{5, 55}));
        PackReport r = new Packer(100, OversizePolicy.DROP).bestFitDecreasing(items).report();
        assertThat(r.tokensByCategory()).containsEntry(Category.TEXT, 30L).containsEntry(Category.VISUAL_CHAT, 70L)
                .containsEntry(Category.CODE, 0L);
        assertThat(r.categoryShare(Category.VISUAL_CHAT)).isEqualTo(0.7);
        assertThat(r.imageTokens()).isEqualTo(48);
        assertThat(r.textTokens()).isEqualTo(52);
        assertThat(r.summary()).contains("1 windows of 100", "fill 100.0000%");
    }

    @Test
    void bestFitDecreasingUsesAsManyWindowsAsAPlainScanningBestFit() {
        for (long seed = 0; seed < 20; seed++) {
            List<PackItem> items = PackFixtures.randomLengths(seed, 400, 90);
            assertThat(new Packer(100, OversizePolicy.DROP).bestFitDecreasing(items).windows())
                    .isEqualTo(naiveBestFitDecreasing(items, 100));
        }
    }

    @Test
    void firstFitMatchesAPlainScanOfTheWindows() {
        for (long seed = 0; seed < 20; seed++) {
            List<PackItem> items = PackFixtures.randomLengths(seed, 400, 90);
            PackPlan plan = new Packer(100, OversizePolicy.DROP).firstFit(items);
            int[] expected = naiveFirstFit(items, 100);
            int[] actual = new int[items.size()];
            for (int w = 0; w < plan.windows(); w++) {
                for (int k = 0; k < plan.pieces(w); k++) {
                    actual[plan.itemIndex(w, k)] = w;
                }
            }
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    void bestFitDecreasingFillsAtLeastAsWellAsFirstFitOnRandomInputs() {
        for (long seed = 0; seed < 30; seed++) {
            List<PackItem> items = PackFixtures.randomLengths(seed, 2000, (int) (50 + seed * 30));
            Packer packer = new Packer(1024, OversizePolicy.DROP);
            assertThat(packer.bestFitDecreasing(items).report().fillRatio())
                    .isGreaterThanOrEqualTo(packer.firstFit(items).report().fillRatio());
        }
    }

    @Test
    void samePlanForTheSameInput() {
        List<PackItem> items = PackItemsOnce.MIX;
        Packer packer = new Packer(4096, OversizePolicy.CUT_AT_TURN);
        PackPlan a = packer.bestFitDecreasing(items);
        PackPlan b = packer.bestFitDecreasing(new ArrayList<>(items));
        assertThat(b.windows()).isEqualTo(a.windows());
        for (int w = 0; w < a.windows(); w++) {
            assertThat(b.pieces(w)).isEqualTo(a.pieces(w));
            for (int k = 0; k < a.pieces(w); k++) {
                assertThat(b.itemIndex(w, k)).isEqualTo(a.itemIndex(w, k));
                assertThat(b.from(w, k)).isEqualTo(a.from(w, k));
            }
        }
        assertThat(b.report()).isEqualTo(a.report());
    }

    @Test
    void benchmarkMixPacksDenselyAtSmallScale() {
        PackReport r = new Packer(4096, OversizePolicy.DROP).bestFitDecreasing(PackItemsOnce.MIX).report();
        assertThat(r.fillRatio()).isGreaterThan(0.99);
        assertThat(r.dropped()).isEmpty();
        assertThat(r.imageShare()).isBetween(0.2, 0.6);
    }

    @Test
    void rejectsNonsenseWithTheFix() {
        assertThatThrownBy(() -> new Packer(0, OversizePolicy.DROP)).hasMessageContaining("4096");
        assertThatThrownBy(() -> new PackItem(1, 20, Category.TEXT, new int[]{10}, new int[]{5, 15}))
                .hasMessageContaining("inside image block [5, 15)");
        assertThatThrownBy(() -> new PackItem(1, 20, Category.TEXT, new int[]{10, 10}, new int[0]))
                .hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> PackItem.text(1, 0, Category.TEXT)).hasMessageContaining("at least one token");
    }

    @Test
    void itemsFromRenderedExamplesCutAtTurnEndsOutsideImages() {
        RenderedExample ex = PackFixtures.random(5, 1, 5, 8, 4).get(0);
        PackItem item = PackItem.of(0, ex);
        assertThat(item.length()).isEqualTo(ex.length());
        assertThat(item.cuts()).containsExactly(ex.spans().stream().mapToInt(RenderedExample.Span::end).toArray());
        assertThat(item.imageCodesIn(0, ex.length())).isEqualTo(ex.count().imageTokens());
    }

    private static int naiveBestFitDecreasing(List<PackItem> items, int capacity) {
        int[] lengths = items.stream().mapToInt(PackItem::length).toArray();
        Arrays.sort(lengths);
        List<Integer> free = new ArrayList<>();
        for (int i = lengths.length - 1; i >= 0; i--) {
            int best = -1;
            for (int w = 0; w < free.size(); w++) {
                if (free.get(w) >= lengths[i] && (best < 0 || free.get(w) < free.get(best))) {
                    best = w;
                }
            }
            if (best < 0) {
                free.add(capacity - lengths[i]);
            } else {
                free.set(best, free.get(best) - lengths[i]);
            }
        }
        return free.size();
    }

    private static int[] naiveFirstFit(List<PackItem> items, int capacity) {
        List<Integer> free = new ArrayList<>();
        int[] windowOf = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            int len = items.get(i).length();
            int w = 0;
            while (w < free.size() && free.get(w) < len) {
                w++;
            }
            if (w == free.size()) {
                free.add(capacity);
            }
            free.set(w, free.get(w) - len);
            windowOf[i] = w;
        }
        return windowOf;
    }

    /** The benchmark's mix at 20,000 records, made once. */
    private static final class PackItemsOnce {
        static final List<PackItem> MIX = PackFixtures.benchmarkMix(20_000, 1);
    }
}
