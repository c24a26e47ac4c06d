package dev.chameleon.workbench.trainer.generate;

import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.BpeTokenizer;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the tokenizer files a checkpoint names; {@link #REAL} binds the BPE and VQ implementations. */
public interface TokenizerLoader {

    /** Loads a tokenizer.json. */
    TextTokenizer text(Path tokenizerJson) throws IOException;

    /** Loads an image tokenizer checkpoint file. */
    ImageTokenizer image(Path checkpoint) throws IOException;

    /** This module's byte-level BPE and VQ image tokenizer. */
    TokenizerLoader REAL = new TokenizerLoader() {
        @Override
        public TextTokenizer text(Path tokenizerJson) throws IOException {
            return BpeTokenizer.load(tokenizerJson);
        }

        @Override
        public ImageTokenizer image(Path checkpoint) throws IOException {
            return VqImageTokenizer.load(checkpoint);
        }
    };
}
