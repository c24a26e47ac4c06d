package dev.chameleon.workbench.trainer.pack;

/** What the packer does with an example longer than the window. */
public enum OversizePolicy {
    /** Leave the example out and report its id and length. */
    DROP,
    /**
     * Split the example at turn boundaries (never inside an image block): each piece ends at the last boundary that
     * fits and keeps its own slice of the loss mask; a stretch between two boundaries that is itself longer than the
     * window is left out and reported.
     */
    CUT_AT_TURN,
    /** Stop packing with an error naming the example, its length and the settings that would let it through. */
    FAIL
}
