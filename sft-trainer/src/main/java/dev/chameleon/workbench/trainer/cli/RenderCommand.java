package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.trainer.render.ChatRenderer;
import dev.chameleon.workbench.trainer.render.ImageSource;
import dev.chameleon.workbench.trainer.render.Modality;
import dev.chameleon.workbench.trainer.render.RenderOptions;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import dev.chameleon.workbench.trainer.render.SnapshotExamples;
import dev.chameleon.workbench.trainer.render.TokenCount;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code render --snapshot DIR --tokenizer FILE --image-tokenizer DIR [--example N] [--rotate]}: one example as
 * its training sequence, a token a line, loss tokens marked and image codes collapsed:
 * <pre>
 *     pos  loss  kind     token
 *       0        special  &lt;s&gt;
 *   -- message 1: user
 *       1        text     User
 *   ...
 *   -- message 2: assistant
 *      14        text     Assistant
 *      16  L     special  &lt;racm3:break&gt;
 *   17-1040  L   image    &lt;img:1024 codes&gt;
 * </pre>
 */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Print an example of a snapshot as its training sequence, with the loss "
        + "mask visible (L marks tokens the loss is computed on) and image codes collapsed.")
final class RenderCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--snapshot", required = true, paramLabel = "DIR", description = "A snapshot folder.")
    Path snapshot;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "A tokenizer.json.")
    Path tokenizer;

    @Option(names = "--image-tokenizer", required = true, paramLabel = "DIR", description = "An image tokenizer folder.")
    Path imageTokenizer;

    @Option(names = "--example", defaultValue = "1", paramLabel = "N",
            description = "Which example: its line in examples.jsonl, from 1 (default: ${DEFAULT-VALUE}).")
    int example;

    @Option(names = "--rotate", description = "Rotate image-caption pairs image-first as training does with rotation on.")
    boolean rotate;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Rotation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        Example e = SnapshotExamples.at(snapshot, example);
        TextTokenizer text = root.toolkit.loadTextTokenizer(tokenizer);
        try (ImageTokenizer image = root.toolkit.loadImageTokenizer(imageTokenizer)) {
            RenderOptions options = rotate ? RenderOptions.rotating(seed) : RenderOptions.PLAIN;
            RenderedExample r = new ChatRenderer(text, image, ImageSource.snapshot(snapshot), options).render(e);
            PrintWriter out = root.out;
            TokenCount c = r.count();
            out.printf("example %d of %s: %s, from %s%s%n", example, snapshot, e.category().wireName(), e.source(),
                    r.rotated() ? ", rotated image-first" : "");
            out.printf("%d tokens, %d with loss (L), %d image codes in %d images%n%n", c.total(), c.loss(),
                    c.imageTokens(), c.images());
            print(r, text, out);
        }
        return 0;
    }

    /** The sequence a token a line; each run of image codes is one line. */
    static void print(RenderedExample r, TextTokenizer text, PrintWriter out) {
        out.printf("%11s  %-4s  %-7s  %s%n", "pos", "loss", "kind", "token");
        int span = 0;
        int[] tokens = r.tokens();
        for (int i = 0; i < tokens.length; ) {
            if (span < r.spans().size() && r.spans().get(span).start() == i) {
                RenderedExample.Span s = r.spans().get(span++);
                out.printf("-- message %d: %s%n", s.message() + 1, s.role().wireName());
            }
            String mark = r.loss()[i] ? "L" : "";
            Modality m = r.modalityAt(i);
            if (m == Modality.IMAGE) {
                int j = i;
                while (j < tokens.length && r.modalityAt(j) == Modality.IMAGE) {
                    j++;
                }
                out.printf("%11s  %-4s  %-7s  <img:%d codes>%n", i + "-" + (j - 1), mark, "image", j - i);
                i = j;
            } else {
                out.printf("%11d  %-4s  %-7s  %s%n", i, mark, m.name().toLowerCase(java.util.Locale.ROOT),
                        text.tokenName(tokens[i]));
                i++;
            }
        }
    }
}
