package dev.chameleon.workbench.trainer.tokens.text;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The encoder's hot loop allocates nothing: a warm encode allocates its result array and no more. */
@Tag("unit")
class BpeEncoderAllocationTest {

    @Test
    void warmEncodeAllocatesOnlyTheResult() {
        assumeThat(ManagementFactory.getThreadMXBean()).isInstanceOf(com.sun.management.ThreadMXBean.class);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        BpeTokenizer tok = BpeFixtures.small();
        String text = BpeFixtures.trainingText(3000, 21) + String.join("\n", BpeFixtures.variedCorpus());
        int tokens = 0;
        for (int i = 0; i < 20; i++) { // warm the word cache, the scratch buffers and the JIT
            tokens = tok.encode(text).length;
        }
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        tok.encode(text);
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        assertThat(tokens).isGreaterThan(10_000);
        assertThat(allocated).as("bytes allocated for %d tokens", tokens).isLessThan(4L * tokens + 4096);
    }
}
