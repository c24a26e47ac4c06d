package dev.chameleon.workbench.bench.trainer;

import ai.djl.ndarray.NDManager;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.render.Modality;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import dev.chameleon.workbench.trainer.train.Provenance;
import dev.chameleon.workbench.trainer.train.SftRun;
import dev.chameleon.workbench.trainer.train.StepMetrics;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Memory benchmark (issue 4: "native memory and heap stay flat over 1,000 steps"). Trains the {@code tiny} model
 * preset through the real training loop ({@link SftRun#run}: per-step NDScope + sub-manager, SftLoss, AdamW,
 * clipping, warm-up + cosine LR, metrics file, checkpoints) on synthetic packed windows, and every
 * {@code --every} steps prints heap used after {@code System.gc()}, the live NDArrays on the run's base manager
 * ({@code NDManager.getManagedArrays()}, as TrainMemoryTest counts them) and the process RSS (VmRSS of
 * /proc/self/status). At the end it prints the growth from the first sample to the last and a verdict: flat when
 * heap and RSS grow less than 5% and the live-array count does not change.
 *
 * <p>Synthetic data, generated here: random token sequences over the tiny vocabulary, a short prompt without loss
 * and an answer with loss, half text and half code. Not real data.
 *
 * <p>Usage: {@code TrainingMemoryBenchmark [--steps 1000] [--every 100] [--batch 4] [--seq 256] [--accum 1]
 * [--checkpoint-every 250] [--seed 7]}; see benchmarks/scripts/bench-training-memory.sh.
 */
public final class TrainingMemoryBenchmark {

    private static final int PAD = 1;

    private TrainingMemoryBenchmark() {
    }

    /** One sample of the three measures after a step. */
    record Sample(int step, double heapMb, double committedMb, int liveArrays, double rssMb, double loss, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        int steps = 1000;
        int every = 100;
        int batch = 4;
        int seq = 256;
        int accum = 1;
        int checkpointEvery = 250;
        long seed = 7;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--steps" -> { steps = Integer.parseInt(v); i++; }
                case "--every" -> { every = Integer.parseInt(v); i++; }
                case "--batch" -> { batch = Integer.parseInt(v); i++; }
                case "--seq" -> { seq = Integer.parseInt(v); i++; }
                case "--accum" -> { accum = Integer.parseInt(v); i++; }
                case "--checkpoint-every" -> { checkpointEvery = Integer.parseInt(v); i++; }
                case "--seed" -> { seed = Long.parseLong(v); i++; }
                default -> throw new IllegalArgumentException("unknown argument " + a + "; use --steps N --every N"
                        + " --batch B --seq T --accum A --checkpoint-every N --seed S");
            }
        }
        if (steps < every || every <= 0) {
            throw new IllegalArgumentException("--steps (" + steps + ") must be >= --every (" + every + ") > 0");
        }

        Path out = Files.createTempDirectory("wb-mem-bench");
        try {
            ModelConfig preset = ConfigLoader.preset("models", "tiny", ModelConfig.class);
            TrainConfig c = new TrainConfig("tiny", "none", "none", "none", Map.of("text", 1.0, "code", 1.0), seq,
                    batch, accum, steps, 1e-3, 1e-4, Math.min(50, steps), 0.9, 0.95, 1e-5, 0.1, false, 1.0, 1e-5,
                    0.05, seed, checkpointEvery, 1, out.toString(), "cpu");
            ModelConfig model = c.withTraining(preset);
            List<RenderedExample> examples = syntheticExamples(model.vocabSize(), seq, seed);
            Provenance provenance = Provenance.of(c, model, null, Map.of());

            System.out.printf(Locale.ROOT, "TrainingMemoryBenchmark: model tiny (%,d params), steps %d, batch %d,"
                    + " seq %d, grad_accum %d, dropout %.2f, checkpoint every %d, %d synthetic examples%n",
                    model.parameterCount(), steps, batch, seq, accum, c.dropout(), checkpointEvery, examples.size());
            System.out.printf(Locale.ROOT, "JVM max heap %.0f MB, %d CPUs, LD_PRELOAD=%s%n",
                    Runtime.getRuntime().maxMemory() / 1048576.0, Runtime.getRuntime().availableProcessors(),
                    System.getenv().getOrDefault("LD_PRELOAD", ""));
            System.out.printf(Locale.ROOT, "%6s %10s %14s %12s %10s %9s %9s%n", "step", "heap_MB", "heap_commit_MB", "live_arrays",
                    "rss_MB", "loss", "elapsed_s");

            List<Sample> samples = new ArrayList<>();
            long began = System.nanoTime();
            int sampleEvery = every;
            PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream());
            SftRun.run(c, model, examples, PAD, provenance, false, quiet, (StepMetrics m, NDManager runManager) -> {
                if (m.step() % sampleEvery != 0) {
                    return;
                }
                double heap = heapUsedAfterGcMb();
                int arrays = runManager.getManagedArrays().size();
                double rss = rssMb();
                Sample s = new Sample(m.step(), heap, Runtime.getRuntime().totalMemory() / 1048576.0, arrays, rss, m.loss(), (System.nanoTime() - began) / 1e9);
                samples.add(s);
                System.out.printf(Locale.ROOT, "%6d %10.2f %14.1f %12d %10.1f %9.4f %9.1f%n", s.step(), s.heapMb(), s.committedMb(),
                        s.liveArrays(), s.rssMb(), s.loss(), s.seconds());
                System.out.flush();
            });

            Sample first = samples.get(0);
            Sample last = samples.get(samples.size() - 1);
            double heapGrowth = pct(first.heapMb(), last.heapMb());
            double rssGrowth = pct(first.rssMb(), last.rssMb());
            int arrayGrowth = last.liveArrays() - first.liveArrays();
            double heapMax = samples.stream().mapToDouble(Sample::heapMb).max().orElse(0);
            double rssMax = samples.stream().mapToDouble(Sample::rssMb).max().orElse(0);
            System.out.printf(Locale.ROOT, "growth step %d -> %d: heap %+.2f MB (%+.2f%%, max %.2f MB),"
                    + " live arrays %+d (%d -> %d), RSS %+.1f MB (%+.2f%%, max %.1f MB)%n",
                    first.step(), last.step(), last.heapMb() - first.heapMb(), heapGrowth, heapMax, arrayGrowth,
                    first.liveArrays(), last.liveArrays(), last.rssMb() - first.rssMb(), rssGrowth, rssMax);
            boolean flat = heapGrowth < 5.0 && rssGrowth < 5.0 && arrayGrowth == 0;
            System.out.println("verdict: " + (flat ? "FLAT" : "NOT FLAT")
                    + " (flat = heap growth < 5%, RSS growth < 5%, live-array growth 0)");
            if (!flat) {
                System.exit(1);
            }
        } finally {
            deleteTree(out);
        }
    }

    /**
     * Random sequences over the vocabulary (ids 2 .. vocab-1; 0 is BOS, 1 is padding): BOS, a 3-token prompt
     * without loss, then an answer with loss; lengths spread from 16 to about seq/2 so packing mixes documents.
     */
    static List<RenderedExample> syntheticExamples(int vocab, int seq, long seed) {
        Random rnd = new Random(seed);
        List<RenderedExample> out = new ArrayList<>();
        int maxLen = Math.max(17, seq / 2);
        for (int e = 0; e < 256; e++) {
            int len = 16 + rnd.nextInt(maxLen - 15);
            int[] tokens = new int[len];
            boolean[] loss = new boolean[len];
            byte[] modality = new byte[len];
            tokens[0] = 0;
            modality[0] = Modality.SPECIAL.code();
            for (int i = 1; i < len; i++) {
                tokens[i] = 2 + rnd.nextInt(vocab - 2);
                loss[i] = i >= 4;
                modality[i] = Modality.TEXT.code();
            }
            Category c = e % 2 == 0 ? Category.TEXT : Category.CODE;
            out.add(new RenderedExample(c, false, tokens, loss, modality, List.of(), List.of()));
        }
        return out;
    }

    static double heapUsedAfterGcMb() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
    }

    /** VmRSS of this process in MB, from /proc/self/status (Linux); -1 where it cannot be read. */
    static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static double pct(double from, double to) {
        return from == 0 ? 0 : (to - from) * 100.0 / from;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
