package dev.chameleon.workbench.trainer.pack;

import dev.chameleon.workbench.trainer.render.RenderedExample;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class PackedWindowTest {

    @Test
    void attentionIsBlockDiagonalCausal() {
        List<RenderedExample> examples = PackFixtures.random(21, 60, 3, 6, 3);
        PackPlan plan = new Packer(64, OversizePolicy.CUT_AT_TURN).bestFitDecreasing(PackFixtures.items(examples));
        PackedWindow row = new PackedWindow(64, 0);
        float[] additive = new float[64 * 64];
        for (int w = 0; w < plan.windows(); w++) {
            row.load(plan, w, examples);
            boolean[][] mask = row.attentionMask();
            row.additiveMask(additive);
            int[] doc = row.documentIds();
            for (int q = 0; q < 64; q++) {
                boolean anyKey = false;
                for (int k = 0; k < 64; k++) {
                    boolean expected = k <= q && (doc[q] == PackedWindow.PAD_DOCUMENT ? k == q : doc[k] == doc[q]);
                    assertThat(mask[q][k]).as("window %d q %d k %d", w, q, k).isEqualTo(expected);
                    assertThat(row.attends(q, k)).isEqualTo(expected);
                    assertThat(additive[q * 64 + k]).isEqualTo(expected ? 0f : Float.NEGATIVE_INFINITY);
                    anyKey |= expected;
                }
                assertThat(anyKey).as("every row attends somewhere").isTrue();
            }
        }
    }

    @Test
    void matchesThePictureInTheJavadoc() {
        PackPlan plan = new Packer(8, OversizePolicy.DROP).bestFitDecreasing(List.of(
                PackItem.text(0, 3, dev.chameleon.workbench.curation.model.Category.TEXT),
                PackItem.text(1, 3, dev.chameleon.workbench.curation.model.Category.TEXT),
                PackItem.text(2, 1, dev.chameleon.workbench.curation.model.Category.TEXT)));
        List<RenderedExample> examples = List.of(example(3, false, true, true), example(3, false, false, true),
                example(1, false));
        PackedWindow row = new PackedWindow(8, 99);
        row.load(plan, 0, examples);
        assertThat(row.documentIds()).containsExactly(0, 0, 0, 1, 1, 1, 2, -1);
        assertThat(row.positionIds()).containsExactly(0, 1, 2, 0, 1, 2, 0, 0);
        assertThat(row.lossMask()).containsExactly(false, true, true, false, false, true, false, false);
        assertThat(row.tokens()[7]).isEqualTo(99);
        assertThat(row.attends(4, 3)).isTrue();
        assertThat(row.attends(3, 2)).isFalse();
        assertThat(row.attends(3, 4)).isFalse();
        assertThat(row.attends(7, 6)).isFalse();
        assertThat(row.attends(7, 7)).isTrue();
    }

    @Test
    void loadingWindowsAllocatesNothing() {
        List<RenderedExample> examples = PackFixtures.random(3, 2000, 4, 30, 16);
        PackPlan plan = new Packer(256, OversizePolicy.CUT_AT_TURN).bestFitDecreasing(PackFixtures.items(examples));
        PackedWindow row = new PackedWindow(256, 0);
        float[] additive = new float[256 * 256];
        for (int w = 0; w < plan.windows(); w++) {
            row.load(plan, w, examples);
            row.additiveMask(additive);
        }
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(tid);
        long checksum = 0;
        for (int w = 0; w < plan.windows(); w++) {
            row.load(plan, w, examples);
            row.additiveMask(additive);
            checksum += row.length();
        }
        long allocated = bean.getThreadAllocatedBytes(tid) - before;
        assertThat(checksum).isPositive();
        assertThat(plan.windows()).isGreaterThan(100);
        // A few hundred bytes of slack for the allocation counter itself; one window's buffers would be kilobytes.
        assertThat(allocated).as("bytes allocated over %d loads", plan.windows()).isLessThan(1024);
    }

    @Test
    void rejectsExamplesThatDoNotMatchThePlan() {
        PackPlan plan = new Packer(8, OversizePolicy.DROP).bestFitDecreasing(
                List.of(PackItem.text(0, 3, dev.chameleon.workbench.curation.model.Category.TEXT)));
        assertThatThrownBy(() -> new PackedWindow(8, 0).load(plan, 0, List.of(example(4, false))))
                .hasMessageContaining("same examples");
        assertThatThrownBy(() -> new PackedWindow(16, 0).load(plan, 0, List.of(example(3, false))))
                .hasMessageContaining("packer's capacity");
    }

    private static RenderedExample example(int length, boolean... loss) {
        boolean[] l = new boolean[length];
        for (int i = 0; i < length && i < loss.length; i++) {
            l[i] = loss[i];
        }
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = i + 1;
        }
        return new RenderedExample(dev.chameleon.workbench.curation.model.Category.TEXT, false, tokens, l,
                new byte[length], List.of(), List.of());
    }
}
