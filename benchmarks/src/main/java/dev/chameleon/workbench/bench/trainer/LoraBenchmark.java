package dev.chameleon.workbench.bench.trainer;

import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.model.LoraConfig;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import dev.chameleon.workbench.trainer.train.MemoryEstimate;
import dev.chameleon.workbench.trainer.train.Provenance;
import dev.chameleon.workbench.trainer.train.SftRun;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LoRA against full fine-tuning of the same model, in one process: trainable parameters, tokens/s of the training
 * step (median over the steps after the first two) and the memory estimate of each. The full run trains first from
 * random weights; its checkpoint is the init_from of the LoRA run (rank 16, alpha 32, every attention and MLP
 * projection), so both train the same model on the same windows.
 *
 * <p>Synthetic data, generated here (TrainingMemoryBenchmark's random sequences). Not real data.
 *
 * <p>Usage: {@code LoraBenchmark [--model small] [--steps 10] [--batch 4] [--seq 256] [--rank 16] [--seed 7]}.
 */
public final class LoraBenchmark {

    private static final int PAD = 1;

    private LoraBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String modelName = "small";
        int steps = 10;
        int batch = 4;
        int seq = 256;
        int rank = 16;
        long seed = 7;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--model" -> { modelName = v; i++; }
                case "--steps" -> { steps = Integer.parseInt(v); i++; }
                case "--batch" -> { batch = Integer.parseInt(v); i++; }
                case "--seq" -> { seq = Integer.parseInt(v); i++; }
                case "--rank" -> { rank = Integer.parseInt(v); i++; }
                case "--seed" -> { seed = Long.parseLong(v); i++; }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --model NAME"
                        + " --steps N --batch B --seq T --rank R --seed S");
            }
        }
        if (steps < 3) {
            throw new IllegalArgumentException("--steps (" + steps + ") must be at least 3: the first two are warm-up");
        }
        Path dir = Files.createTempDirectory("wb-lora-bench");
        try {
            ModelConfig preset = ConfigLoader.preset("models", modelName, ModelConfig.class);
            TrainConfig full = new TrainConfig(modelName, "none", "none", "none", Map.of("text", 1.0, "code", 1.0),
                    seq, batch, 1, steps, 1e-3, 1e-4, 2, 0.9, 0.95, 1e-5, 0.0, false, 1.0, 1e-5, 0.0, seed, steps, 1,
                    dir.resolve("full").toString(), "cpu");
            ModelConfig model = full.withTraining(preset);
            LoraConfig lora = new LoraConfig(rank, 2.0 * rank, 0.05, LoraConfig.ALL_TARGETS);
            TrainConfig adapters = new TrainConfig(modelName, "none", "none", "none", full.mix(), seq, batch, 1, steps,
                    1e-3, 1e-4, 2, 0.9, 0.95, 1e-5, 0.0, false, 1.0, 1e-5, 0.0, seed, steps, 1,
                    dir.resolve("lora").toString(), "cpu").fineTuning(dir.resolve("full").toString(), lora,
                    TrainConfig.TRAIN_ALL);
            List<RenderedExample> examples = TrainingMemoryBenchmark.syntheticExamples(model.vocabSize(), seq, seed);
            System.out.printf(Locale.ROOT, "LoraBenchmark: model %s (%,d params), %d steps of %d x %d tokens, LoRA"
                    + " rank %d alpha %.0f on %s, %d CPUs%n", modelName, model.parameterCount(), steps, batch, seq,
                    rank, lora.alpha(), String.join(",", lora.targets()), Runtime.getRuntime().availableProcessors());

            double fullTps = medianTokensPerSecond(full, model, examples);
            double loraTps = medianTokensPerSecond(adapters, model, examples);
            long fullParams = model.parameterCount();
            long loraParams = lora.parameterCount(model);
            MemoryEstimate fullMem = MemoryEstimate.forRun(full, model, 0);
            MemoryEstimate loraMem = MemoryEstimate.forRun(adapters, model, 0);
            System.out.printf(Locale.ROOT, "%-6s %16s %12s   %s%n", "", "trainable", "tokens/s", "memory estimate");
            System.out.printf(Locale.ROOT, "%-6s %,16d %12.0f   %s%n", "full", fullParams, fullTps, fullMem.describe());
            System.out.printf(Locale.ROOT, "%-6s %,16d %12.0f   %s%n", "lora", loraParams, loraTps, loraMem.describe());
            System.out.printf(Locale.ROOT, "lora/full: trainable %.4f (%.2f%%), tokens/s %.2fx%n",
                    (double) loraParams / fullParams, 100.0 * loraParams / fullParams, loraTps / fullTps);
        } finally {
            TrainingMemoryBenchmark.deleteTree(dir);
        }
    }

    /** Runs {@code c} and returns the median tokens/s of its steps after the first two. */
    private static double medianTokensPerSecond(TrainConfig c, ModelConfig model, List<RenderedExample> examples)
            throws Exception {
        List<Double> tps = new ArrayList<>();
        PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream());
        SftRun.run(c, model, examples, PAD, Provenance.of(c, model, null, Map.of()), false, quiet, (m, mgr) -> {
            if (m.step() > 2) {
                tps.add(m.tokensPerSecond());
            }
        });
        tps.sort(null);
        return tps.get(tps.size() / 2);
    }
}
