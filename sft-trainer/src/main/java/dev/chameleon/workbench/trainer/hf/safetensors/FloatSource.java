package dev.chameleon.workbench.trainer.hf.safetensors;

import java.io.IOException;

/**
 * A tensor's values, handed to the writer in pieces when it writes that tensor, so a large model is written one
 * tensor (or one slice) at a time instead of held whole. The writer checks that exactly the shape's element
 * count arrives.
 */
@FunctionalInterface
public interface FloatSource {

    /** Passes every value, row-major, to {@code sink} in one or more calls. */
    void writeTo(Sink sink) throws IOException;

    /** Takes a tensor's values in order. */
    @FunctionalInterface
    interface Sink {
        void put(float[] values, int offset, int length) throws IOException;
    }
}
