package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code encode-text --tokenizer FILE TEXT}: prints the ids, one line. */
@Command(name = "encode-text", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text (no BOS/EOS added).")
final class EncodeTextCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "A tokenizer.json.")
    Path tokenizer;

    @Option(names = "--names", description = "Print each id with its token, one a line.")
    boolean names;

    @Parameters(index = "0", paramLabel = "TEXT", description = "The text to encode.")
    String text;

    @Override
    public Integer call() throws Exception {
        TextTokenizer t = root.toolkit.loadTextTokenizer(tokenizer);
        int[] ids = t.encode(text);
        if (names) {
            for (int id : ids) {
                root.out.printf("%d\t%s%n", id, t.tokenName(id));
            }
        } else {
            root.out.println(Codes.join(ids));
        }
        return 0;
    }
}
