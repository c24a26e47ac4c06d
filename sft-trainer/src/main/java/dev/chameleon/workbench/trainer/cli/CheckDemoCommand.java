package dev.chameleon.workbench.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chameleon.workbench.curation.images.ImageLimits;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.trainer.eval.DemoCheck;
import dev.chameleon.workbench.trainer.eval.GeneratorAnswerer;
import dev.chameleon.workbench.trainer.generate.Generator;
import dev.chameleon.workbench.trainer.generate.Guidance;
import dev.chameleon.workbench.trainer.generate.Sampling;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * {@code check-demo --checkpoint DIR}: scores what a model trained on the demo dataset learned, on the demo's
 * held-out prompts, and prints the four rates against the goals. Exits 0 whether or not the goals are met
 * ({@code --require-goals} makes a miss exit 3).
 */
@Command(name = "check-demo", mixinStandardHelpOptions = true,
        description = "Score a demo-trained checkpoint on the held-out demo prompts: right pictures, right answers,"
                + " refusals of harmful prompts, non-refusals of harmless ones.")
final class CheckDemoCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "A checkpoint folder (RUN/checkpoints/step-N) or a run folder (its newest checkpoint).")
    Path checkpoint;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T",
            description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    // Off by default: the paper's 3.0/1.2 (docs/chameleon.md#inference) took the demo run's right pictures to 61/250.
    @Option(names = "--guidance-text", defaultValue = "1", paramLabel = "G",
            description = "Text guidance weight for pictures; 1 with --guidance-image 1 = no guidance; Chameleon's "
                    + "is 3.0 (default: ${DEFAULT-VALUE}).")
    double guidanceText;

    @Option(names = "--guidance-image", defaultValue = "1", paramLabel = "G",
            description = "Image guidance weight for pictures; Chameleon's is 1.2 (default: ${DEFAULT-VALUE}).")
    double guidanceImage;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write report.json and the generated pictures here.")
    Path out;

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    boolean json;

    @Option(names = "--require-goals", description = "Exit 3 when a rate misses its goal.")
    boolean requireGoals;

    @Override
    public Integer call() throws Exception {
        Path scratch = Files.createTempDirectory("demo-check");
        try (Generator generator = Generator.load(checkpoint)) {
            List<Example> heldOut = DemoCheck.heldOut(scratch);
            ImageStore images = new ImageStore(scratch, ImageLimits.defaults());
            Sampling sampling = new Sampling(temperature, temperature == 0 ? 1 : 0.9, 0, 1, seed);
            Guidance guidance = guidanceText == 1 && guidanceImage == 1 ? Guidance.off()
                    : new Guidance(guidanceText, guidanceImage);
            long total = heldOut.stream().filter(e -> DemoCheck.kind(e) != null).count();
            AtomicInteger done = new AtomicInteger();
            long began = System.nanoTime();
            DemoCheck.Report report = DemoCheck.run(heldOut, images, new GeneratorAnswerer(generator, sampling, guidance),
                    item -> root.err.printf(Locale.ROOT, "\rchecked %d of %d", done.incrementAndGet(), total),
                    () -> false);
            root.err.println();
            double seconds = (System.nanoTime() - began) / 1e9;
            DemoCheck.Score ceiling = DemoCheck.tokenizerRoundTrip(heldOut, images, generator.imageTokenizer());
            if (out != null) {
                write(report, ceiling, out, seconds);
            }
            if (json) {
                root.out.println(toJson(report, ceiling, seconds).toPrettyString());
            } else {
                print(report, ceiling, seconds);
            }
            return requireGoals && !report.meetsGoals() ? 3 : 0;
        } finally {
            Checkpoint.deleteTree(scratch);
        }
    }

    private void print(DemoCheck.Report r, DemoCheck.Score ceiling, double seconds) {
        root.out.printf(Locale.ROOT, "checkpoint %s, %d held-out prompts in %.0f s%n", checkpoint, r.items().size(),
                seconds);
        line("right pictures (colour and shape)", r, "image", r.images(), DemoCheck.IMAGE_GOAL);
        line("right answers (visual chat)", r, "answer", r.answers(), DemoCheck.ANSWER_GOAL);
        line("refusals of harmful prompts", r, "refusal", r.refusals(), DemoCheck.REFUSAL_GOAL);
        line("non-refusals of harmless prompts", r, "non_refusal", r.nonRefusals(), DemoCheck.NON_REFUSAL_GOAL);
        root.out.printf(Locale.ROOT, "%-36s %-18s (held-out pictures that still read right after the image "
                + "tokenizer's encode and decode: the ceiling of the first two rates)%n", "image tokenizer round trip",
                ceiling);
        root.out.println(r.meetsGoals() ? "all goals met" : "goals missed");
    }

    private void line(String what, DemoCheck.Report r, String kind, DemoCheck.Score s, double goal) {
        root.out.printf(Locale.ROOT, "%-36s %-18s goal >= %.0f%%  %s%n", what, s, 100 * goal,
                s.rate() >= goal ? "met" : "MISSED");
        Map<String, DemoCheck.Score> split = r.byHeldOut(kind);
        if (split.size() > 1) {
            StringBuilder sb = new StringBuilder();
            split.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
            root.out.println("    " + sb);
        }
    }

    private static ObjectNode toJson(DemoCheck.Report r, DemoCheck.Score ceiling, double seconds) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("seconds", seconds);
        root.put("meets_goals", r.meetsGoals());
        ObjectNode rates = root.putObject("rates");
        score(rates.putObject("images"), r, "image", r.images(), DemoCheck.IMAGE_GOAL);
        score(rates.putObject("answers"), r, "answer", r.answers(), DemoCheck.ANSWER_GOAL);
        score(rates.putObject("refusals"), r, "refusal", r.refusals(), DemoCheck.REFUSAL_GOAL);
        score(rates.putObject("non_refusals"), r, "non_refusal", r.nonRefusals(), DemoCheck.NON_REFUSAL_GOAL);
        ObjectNode trip = root.putObject("tokenizer_round_trip");
        trip.put("right", ceiling.right());
        trip.put("n", ceiling.n());
        trip.put("rate", ceiling.rate());
        ArrayNode items = root.putArray("items");
        for (DemoCheck.Item i : r.items()) {
            ObjectNode n = items.addObject();
            n.put("kind", i.kind());
            n.put("prompt", i.prompt());
            n.put("expected", i.expected());
            n.put("got", i.got());
            n.put("right", i.right());
            n.put("heldout", i.heldOut());
        }
        return root;
    }

    private static void score(ObjectNode n, DemoCheck.Report r, String kind, DemoCheck.Score s, double goal) {
        n.put("right", s.right());
        n.put("n", s.n());
        n.put("rate", s.rate());
        n.put("goal", goal);
        ObjectNode split = n.putObject("by_heldout");
        r.byHeldOut(kind).forEach((k, v) -> {
            ObjectNode one = split.putObject(k);
            one.put("right", v.right());
            one.put("n", v.n());
        });
    }

    private static void write(DemoCheck.Report r, DemoCheck.Score ceiling, Path dir, double seconds)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), toJson(r, ceiling, seconds).toPrettyString());
        int k = 0;
        for (DemoCheck.Item i : r.items()) {
            BufferedImage img = i.image();
            if (img != null) {
                String name = String.format(Locale.ROOT, "%03d-%s-%s.png", k++, i.expected().replace(' ', '-'),
                        i.right() ? "right" : "wrong");
                ImageIO.write(img, "png", dir.resolve(name).toFile());
            }
        }
    }
}
