package dev.chameleon.workbench.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code decode-text --tokenizer FILE IDS...}: prints the text. */
@Command(name = "decode-text", mixinStandardHelpOptions = true,
        description = "Print the text of token ids (special and image ids are skipped).")
final class DecodeTextCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "A tokenizer.json.")
    Path tokenizer;

    @Parameters(arity = "1..*", paramLabel = "IDS", description = "Token ids, separated by spaces or commas.")
    List<String> ids;

    @Override
    public Integer call() throws Exception {
        int[] parsed = Codes.parse(String.join(" ", ids), "IDS");
        root.out.println(root.toolkit.loadTextTokenizer(tokenizer).decode(parsed));
        return 0;
    }
}
