package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.curation.store.ExampleRow;
import dev.chameleon.workbench.curation.store.TokenCounts;
import dev.chameleon.workbench.trainer.render.CategoryTokens;
import dev.chameleon.workbench.trainer.render.ChatRenderer;
import dev.chameleon.workbench.trainer.render.RenderOptions;
import dev.chameleon.workbench.trainer.render.SnapshotExamples;
import dev.chameleon.workbench.trainer.render.TokenCount;
import dev.chameleon.workbench.trainer.render.TokenTally;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code count (--snapshot DIR | --workspace DIR --dataset NAME) --tokenizer FILE --image-tokenizer DIR}: token
 * counts per category. For a workspace dataset the per-example counts are stored too (table token_count, under
 * the key printed), for the curation views and the packer. Images are not encoded: every image is N codes.
 */
@Command(name = "count", mixinStandardHelpOptions = true,
        description = "Token counts per category of a snapshot, or of a workspace dataset "
        + "(stored there for the curation views and the packer).")
final class CountCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    static final class Target {
        @Option(names = "--snapshot", required = true, paramLabel = "DIR", description = "A snapshot folder.")
        Path snapshot;

        @ArgGroup(exclusive = false)
        Stored stored;
    }

    static final class Stored {
        @Option(names = "--workspace", required = true, paramLabel = "DIR", description = "A workspace folder.")
        Path workspace;

        @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "A dataset of the workspace.")
        String dataset;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "A tokenizer.json.")
    Path tokenizer;

    @Option(names = "--image-tokenizer", required = true, paramLabel = "DIR", description = "An image tokenizer folder.")
    Path imageTokenizer;

    @Option(names = "--rotate", description = "Count with image-first rotation of image-caption pairs.")
    boolean rotate;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Rotation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        TextTokenizer text = root.toolkit.loadTextTokenizer(tokenizer);
        try (ImageTokenizer image = root.toolkit.loadImageTokenizer(imageTokenizer)) {
            ChatRenderer r = new ChatRenderer(text, image, null,
                    rotate ? RenderOptions.rotating(seed) : RenderOptions.PLAIN);
            TokenTally tally = new TokenTally();
            String key = r.countKey(tokenizerId(tokenizer));
            if (target.snapshot != null) {
                SnapshotExamples.forEach(target.snapshot, e -> tally.add(e.category(), r.count(e)));
            } else {
                countWorkspace(r, key, tally);
            }
            root.out.printf("key %s%n", key);
            root.out.printf("%-24s %10s %14s %14s %14s %10s%n", "category", "examples", "tokens", "loss tokens",
                    "image tokens", "images");
            for (Map.Entry<Category, CategoryTokens> en : tally.byCategory().entrySet()) {
                row(en.getKey().label(), en.getValue());
            }
            row("Total", tally.total());
        }
        return 0;
    }

    private void countWorkspace(ChatRenderer r, String key, TokenTally tally) {
        Path ws = target.stored.workspace;
        if (!Files.isDirectory(ws.resolve("db"))) {
            throw new IllegalArgumentException("no workspace at " + ws + "; pass the folder the workbench uses");
        }
        try (Curation c = Curation.open(ws)) {
            TokenCounts store = c.tokenCounts();
            SearchRequest all = SearchRequest.of(target.stored.dataset, null);
            long n = c.count(all);
            for (long offset = 0; offset < n; offset += 1000) {
                List<TokenCounts.Row> batch = new ArrayList<>();
                for (ExampleRow row : c.rows(all, offset, 1000)) {
                    Example e = c.example(row.id()).orElseThrow();
                    TokenCount tc = r.count(e);
                    tally.add(e.category(), tc);
                    batch.add(new TokenCounts.Row(e.id(), key, tc.total(), tc.loss(), tc.imageTokens()));
                }
                store.put(batch);
                root.err.printf("counted %,d of %,d%n", Math.min(offset + 1000, n), n);
            }
        }
    }

    private void row(String label, CategoryTokens t) {
        root.out.printf("%-24s %,10d %,14d %,14d %,14d %,10d%n", label, t.examples(), t.tokens(), t.lossTokens(),
                t.imageTokens(), t.images());
    }

    /** "bpe-" and the first 16 hex digits of the tokenizer file's SHA-256: changes whenever the vocabulary does. */
    static String tokenizerId(Path tokenizerFile) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] d = md.digest(Files.readAllBytes(tokenizerFile));
            return "bpe-" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
