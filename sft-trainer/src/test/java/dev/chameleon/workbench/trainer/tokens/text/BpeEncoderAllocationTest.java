package dev.chameleon.workbench.trainer.tokens.text;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The encoder's hot loop allocates nothing: a warm encode allocates its result array and no more. */
@Tag("unit")
class BpeEncoderAllocationTest {

    @Test
    void warmEncodeAllocatesOnlyTheResult() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean mx) || !mx.isThreadAllocatedMemorySupported()) {
            throw new AssertionError("this JVM cannot count the bytes a thread allocates ("
                    + bean.getClass().getName() + "); run the tests on a HotSpot JDK 17 or later (Temurin, OpenJDK)");
        }
        mx.setThreadAllocatedMemoryEnabled(true);
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
