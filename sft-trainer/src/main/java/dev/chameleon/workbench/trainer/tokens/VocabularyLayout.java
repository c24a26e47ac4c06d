package dev.chameleon.workbench.trainer.tokens;

/**
 * Where each kind of token sits in the joint text-and-image vocabulary.
 *
 * <pre>
 *   0 bos &lt;s&gt;   1 pad &lt;pad&gt;   2 eos &lt;/s&gt;   3 unk &lt;unk&gt;
 *   [imageCodeStart, imageCodeStart + codebookSize)       image code c -> imageCodeStart + c
 *   beginImage, endImage, endOfTurn, then spare reserved ids
 *   [textStart, size)                                     byte tokens and learned BPE merges
 * </pre>
 * The released Chameleon tokenizer uses the same ideas with other numbers (image code c -> c + 4, end-image
 * 8196, begin-image 8197, end-of-turn 8710); {@link #chameleon7b()} describes it.
 */
public record VocabularyLayout(int bos, int pad, int eos, int unk, int imageCodeStart, int codebookSize,
                               int beginImage, int endImage, int endOfTurn, int textStart, int size) {

    public VocabularyLayout {
        if (codebookSize <= 0) {
            throw new IllegalArgumentException("codebookSize must be positive, got " + codebookSize);
        }
        if (textStart >= size) {
            throw new IllegalArgumentException("vocabulary size " + size + " leaves no room for text tokens after id "
                    + textStart + "; raise the size or shrink the codebook");
        }
    }

    /**
     * Our own layout for a vocabulary of {@code size} ids with a codebook of {@code codebookSize} codes and
     * {@code reserved} spare special ids after end-of-turn.
     */
    public static VocabularyLayout standard(int size, int codebookSize, int reserved) {
        int imageStart = 4;
        int boi = imageStart + codebookSize;
        return new VocabularyLayout(0, 1, 2, 3, imageStart, codebookSize, boi, boi + 1, boi + 2,
                boi + 3 + reserved, size);
    }

    /** The released Chameleon-7B layout (65,536 ids, 8,192 image codes). */
    public static VocabularyLayout chameleon7b() {
        return new VocabularyLayout(0, 1, 2, 3, 4, 8192, 8197, 8196, 8710, 8711, 65536);
    }

    /**
     * Chameleon's token name for image code {@code code}, as tokenizer.json and config.json's vocabulary_map spell
     * it: IMGIMG, the decimal digits as the letters A-J, then Z (code 42 is IMGIMGECZ).
     */
    public static String imageCodeName(int code) {
        String digits = Integer.toString(code);
        StringBuilder sb = new StringBuilder(8 + digits.length()).append("IMGIMG");
        for (int i = 0; i < digits.length(); i++) {
            sb.append((char) ('A' + digits.charAt(i) - '0'));
        }
        return sb.append('Z').toString();
    }

    public boolean isImageCode(int id) {
        return id >= imageCodeStart && id < imageCodeStart + codebookSize;
    }

    public int imageToken(int code) {
        if (code < 0 || code >= codebookSize) {
            throw new IllegalArgumentException("image code " + code + " outside codebook of " + codebookSize);
        }
        return imageCodeStart + code;
    }

    public int imageCode(int token) {
        if (!isImageCode(token)) {
            throw new IllegalArgumentException("token " + token + " is not an image code");
        }
        return token - imageCodeStart;
    }
}
