package dev.chameleon.workbench.trainer.hf.torch;

import java.io.IOException;

/**
 * A pickle asked for something other than plain data and tensors: an opcode or a global that, loaded by Python,
 * could call a function and so run code. The message names the file, the byte offset of the opcode and what it
 * asked for; the file should not be opened with Python's {@code torch.load} either unless it comes from a trusted
 * source.
 */
public final class UnsafePickleException extends IOException {

    private final String source;
    private final long offset;
    private final String refused;

    UnsafePickleException(String source, long offset, String refused) {
        super(source + ", byte " + offset + ": " + refused + ". Refused: loading this pickle in Python may run code;"
                + " only dicts, lists, tuples, strings, bytes, numbers, booleans, None and torch tensors are read");
        this.source = source;
        this.offset = offset;
        this.refused = refused;
    }

    /** The file (and entry) that holds the pickle. */
    public String source() {
        return source;
    }

    /** The byte offset of the refused opcode within the pickle. */
    public long offset() {
        return offset;
    }

    /** What was refused: the opcode and, for globals, {@code module.name}. */
    public String refused() {
        return refused;
    }
}
