package dev.chameleon.workbench.trainer.handoff;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Role;
import dev.chameleon.workbench.trainer.pack.OversizePolicy;
import dev.chameleon.workbench.trainer.pack.PackItem;
import dev.chameleon.workbench.trainer.pack.PackPlan;
import dev.chameleon.workbench.trainer.pack.PackedWindow;
import dev.chameleon.workbench.trainer.pack.Packer;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Labels of a window: the token where the loss mask is on, except at a document's first token, which the trainer
 * never predicts from the document before it; -100 on prompts and padding.
 */
@Tag("unit")
class WindowLabelsTest {

    @Test
    void aDocumentsFirstTokenIsNeverLabelledEvenUnderTheLossMask() {
        // Two documents whose every token carries the loss mask, in a window of 8 with one pad:
        //   tokens   10 11 12 20 21 22 23 pad    loss  x x x x x x x .
        //   labels -100 11 12 -100 21 22 23 -100
        List<RenderedExample> examples = List.of(allLoss(10, 3), allLoss(20, 4));
        List<PackItem> items = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            items.add(PackItem.of(i, examples.get(i)));
        }
        PackPlan plan = new Packer(8, OversizePolicy.CUT_AT_TURN).bestFitDecreasing(items);
        assertThat(plan.windows()).isEqualTo(1);
        PackedWindow w = new PackedWindow(8, 1);
        w.load(plan, 0, examples);
        int[] labels = new int[8];
        WindowShards.labels(w, labels);

        for (int k = 0; k < 8; k++) {
            boolean first = w.documentIds()[k] != PackedWindow.PAD_DOCUMENT && w.positionIds()[k] == 0;
            boolean pad = w.documentIds()[k] == PackedWindow.PAD_DOCUMENT;
            assertThat(labels[k]).as("label at %d", k).isEqualTo(first || pad ? -100 : w.tokens()[k]);
        }
        assertThat(labels).containsOnlyOnce(11, 12, 21, 22, 23).doesNotContain(10, 20, 1);
    }

    @Test
    void promptTokensAreNotLabelled() {
        // One document: a prompt of 3 tokens (no loss) and an answer of 2.
        RenderedExample ex = new RenderedExample(Category.TEXT, false, new int[] {5, 6, 7, 8, 9},
                new boolean[] {false, false, false, true, true}, new byte[5],
                List.of(new RenderedExample.Span(0, Role.USER, 0, 1, 3), new RenderedExample.Span(1, Role.ASSISTANT, 3, 3, 5)),
                List.of());
        PackPlan plan = new Packer(6, OversizePolicy.CUT_AT_TURN).bestFitDecreasing(List.of(PackItem.of(0, ex)));
        PackedWindow w = new PackedWindow(6, 1);
        w.load(plan, 0, List.of(ex));
        int[] labels = new int[6];
        WindowShards.labels(w, labels);
        assertThat(labels).containsExactly(-100, -100, -100, 8, 9, -100);
    }

    private static RenderedExample allLoss(int firstToken, int n) {
        int[] tokens = new int[n];
        boolean[] loss = new boolean[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = firstToken + i;
            loss[i] = true;
        }
        return new RenderedExample(Category.TEXT, false, tokens, loss, new byte[n],
                List.of(new RenderedExample.Span(0, Role.ASSISTANT, 0, 0, n)), List.of());
    }
}
