package dev.chameleon.workbench.trainer.render;

/** What kind of token sits at a position of a rendered sequence; {@link #code()} is the modality-mask byte. */
public enum Modality {
    /** A text token of the BPE vocabulary (role headers included). */
    TEXT,
    /** One of the N codebook tokens of an image. */
    IMAGE,
    /** BOS, begin-image, end-image, end-of-turn. */
    SPECIAL;

    private static final Modality[] BY_CODE = values();

    /** The byte stored in {@link RenderedExample#modality()}: 0 text, 1 image code, 2 special. */
    public byte code() {
        return (byte) ordinal();
    }

    public static Modality of(byte code) {
        return BY_CODE[code];
    }
}
