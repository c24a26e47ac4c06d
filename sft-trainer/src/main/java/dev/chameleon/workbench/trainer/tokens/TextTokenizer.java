package dev.chameleon.workbench.trainer.tokens;

/** Turns text into token ids of the joint vocabulary and back; never emits image or special ids for text. */
public interface TextTokenizer {

    VocabularyLayout layout();

    /** Token ids for the text (no BOS/EOS added). */
    int[] encode(String text);

    /** The text of a sequence of text token ids; special and image ids are skipped. */
    String decode(int[] ids);

    /** The printable form of one id (for showing rendered sequences), e.g. "Ġthe", "&lt;racm3:break&gt;", "IMG42". */
    String tokenName(int id);
}
