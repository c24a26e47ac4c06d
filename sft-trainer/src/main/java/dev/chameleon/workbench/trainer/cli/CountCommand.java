package dev.chameleon.workbench.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.render.CategoryTokens;
import dev.chameleon.workbench.trainer.render.ChatRenderer;
import dev.chameleon.workbench.trainer.render.RenderOptions;
import dev.chameleon.workbench.trainer.render.SnapshotExamples;
import dev.chameleon.workbench.trainer.render.TokenTally;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code count --snapshot DIR --tokenizer FILE --image-tokenizer DIR [--out FILE]}: token counts per category of
 * a snapshot, printed as a table and, with {@code --out}, written as JSON. Reads the snapshot folder only (never a
 * workspace database, so it runs while the workbench is open). Images are not encoded: every image is N codes.
 */
@Command(name = "count", mixinStandardHelpOptions = true,
        description = "Token counts per category of a snapshot; printed, and written as JSON with --out.")
final class CountCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--snapshot", required = true, paramLabel = "DIR", description = "A snapshot folder.")
    Path snapshot;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the figures to FILE (JSON).")
    Path out;

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
        if (!Files.isRegularFile(snapshot.resolve("examples.jsonl"))) {
            throw new IllegalArgumentException("no snapshot at " + snapshot + " (expected examples.jsonl there); pass "
                    + "a snapshot folder (WORKSPACE/snapshots/NAME/vNNNN)");
        }
        TextTokenizer text = root.toolkit.loadTextTokenizer(tokenizer);
        try (ImageTokenizer image = root.toolkit.loadImageTokenizer(imageTokenizer)) {
            ChatRenderer r = new ChatRenderer(text, image, null,
                    rotate ? RenderOptions.rotating(seed) : RenderOptions.PLAIN);
            TokenTally tally = new TokenTally();
            String key = r.countKey(tokenizerId(tokenizer));
            SnapshotExamples.forEach(snapshot, e -> tally.add(e.category(), r.count(e)));
            root.out.printf("key %s%n", key);
            root.out.printf("%-24s %10s %14s %14s %14s %10s%n", "category", "examples", "tokens", "loss tokens",
                    "image tokens", "images");
            for (Map.Entry<Category, CategoryTokens> en : tally.byCategory().entrySet()) {
                row(en.getKey().label(), en.getValue());
            }
            row("Total", tally.total());
            if (out != null) {
                write(key, tally);
            }
        }
        return 0;
    }

    /** {@code {"key", "snapshot", "categories": {CATEGORY: figures}, "total": figures}}. */
    private void write(String key, TokenTally tally) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", key);
        json.put("snapshot", snapshot.toAbsolutePath().toString());
        Map<String, CategoryTokens> categories = new LinkedHashMap<>();
        tally.byCategory().forEach((c, t) -> categories.put(c.wireName(), t));
        json.put("categories", categories);
        json.put("total", tally.total());
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, JSON.writeValueAsString(json));
        root.err.println("wrote " + out);
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
