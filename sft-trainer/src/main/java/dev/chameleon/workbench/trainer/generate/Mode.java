package dev.chameleon.workbench.trainer.generate;

/** Which modalities an answer may contain. */
public enum Mode {
    /** Text only: begin-image is never allowed. */
    TEXT,
    /** Image blocks only: the answer opens with begin-image and ends after a whole image. */
    IMAGE,
    /** Text and images, as the model chooses (begin-image only while a whole image still fits). */
    INTERLEAVED
}
