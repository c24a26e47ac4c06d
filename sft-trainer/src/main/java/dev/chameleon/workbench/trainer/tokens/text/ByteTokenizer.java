package dev.chameleon.workbench.trainer.tokens.text;

import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One text token per UTF-8 byte, after the special and image ids of a standard layout: a text tokenizer that needs
 * no training, for benchmarks and tests in which the tokenizer is not what is measured.
 */
public final class ByteTokenizer implements TextTokenizer {

    private final VocabularyLayout layout;

    /**
     * @param vocabSize    ids in the whole vocabulary
     * @param codebookSize image codes reserved in it
     * @param reserved     extra special ids reserved after the standard ones
     * @throws IllegalArgumentException when the 256 bytes do not fit after the specials and image codes
     */
    public ByteTokenizer(int vocabSize, int codebookSize, int reserved) {
        layout = VocabularyLayout.standard(vocabSize, codebookSize, reserved);
        if (layout.textStart() + 256 > vocabSize) {
            throw new IllegalArgumentException("vocabulary " + vocabSize + " too small for 256 bytes after "
                    + layout.textStart() + " special and image ids");
        }
    }

    /** The smallest vocabulary that holds the specials, {@code codebookSize} image codes and the 256 bytes. */
    public static ByteTokenizer smallest(int codebookSize, int reserved) {
        return new ByteTokenizer(VocabularyLayout.standard(Integer.MAX_VALUE, codebookSize, reserved).textStart() + 256,
                codebookSize, reserved);
    }

    @Override
    public VocabularyLayout layout() {
        return layout;
    }

    @Override
    public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = layout.textStart() + (b[i] & 0xff);
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id >= layout.textStart() && id < layout.textStart() + 256) {
                out.write(id - layout.textStart());
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The special ids by the names Chameleon's vocabulary gives them, image codes as IMGn, bytes as themselves. */
    @Override
    public String tokenName(int id) {
        if (id == layout.bos()) {
            return "<s>";
        }
        if (id == layout.beginImage()) {
            return "<racm3:break>";
        }
        if (id == layout.endImage()) {
            return "<eoss>";
        }
        if (id == layout.endOfTurn()) {
            return "<reserved08706>";
        }
        if (layout.isImageCode(id)) {
            return "IMG" + layout.imageCode(id);
        }
        if (id >= layout.textStart()) {
            int b = id - layout.textStart();
            return b >= 0x21 && b < 0x7f ? String.valueOf((char) b) : String.format("<0x%02X>", b);
        }
        return "<" + id + ">";
    }
}
