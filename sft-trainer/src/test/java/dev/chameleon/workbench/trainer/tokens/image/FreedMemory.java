package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Fills the memory the native allocator hands out next with NaN: a kernel that reads memory it never wrote then
 * gives NaN on every run instead of passing whenever the leftover bytes happen to be harmless.
 */
final class FreedMemory {

    private FreedMemory() {
    }

    /** Allocates NaN-filled blocks of many sizes (64 B to 1.5 MiB) on a scratch manager and frees them all. */
    static void poison(NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            for (long n = 16; n <= 1 << 18; n *= 2) {
                for (long size : new long[] {n, n * 9 / 8, n * 5 / 4, n * 3 / 2}) {
                    scratch.full(new Shape(size), Float.NaN);
                }
            }
        }
    }
}
