package dev.chameleon.workbench.bench.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training-throughput benchmark (issue 4, "Must show: training benchmark"), in one JVM run:
 *
 * <ol>
 *   <li>a large fp32 matmul (N x N x N, default 2048) through DJL, as the machine's reachable FLOP rate;</li>
 *   <li>our training step per size: ChameleonModel forward, masked cross-entropy (logSoftmax + gather),
 *       backward, AdamW through DJL's {@link Trainer}; warm-up steps, then timed steps; tokens/s and the
 *       achieved FLOP/s;</li>
 *   <li>the same model, batch and sequence length in PyTorch eager mode ({@code benchmarks/scripts/torch_peer.py}),
 *       at two thread settings (OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=2, and torch.set_num_threads(2)
 *       with default environment), best taken;</li>
 * </ol>
 * then one table. Tokens/s come from the fastest timed step on each side (robust to other work on a
 * shared machine), with the mean over all timed steps printed beside it. FLOPs per trained token =
 * 6 * P_matmul + 12 * L * d * T, where P_matmul is the parameters that take part in matrix products (all but
 * the embedding table, whose forward is a gather) and the second
 * term is the attention score and value products (QK^T and AV, forward + backward, full T x T as computed);
 * the "6P" column uses all parameters (the usual estimate) for reference.
 *
 * <p>Usage: {@code TrainingBenchmark [--sizes small:512,medium:1024] [--batch 4] [--warmup 2]
 * [--steps 8,4] [--matmul 2048] [--peer benchmarks/scripts/torch_peer.py] [--python /usr/bin/python3]
 * [--no-peer]}. Run with {@code -Dai.djl.offline=true}; see {@code benchmarks/scripts/bench-training.sh}.
 */
public final class TrainingBenchmark {

    private TrainingBenchmark() {
    }

    /** One size's results. */
    record Row(String name, long params, long paramsMatmul, int seq, int batch, double ourTokS, double ourMeanTokS,
            double flopsPerToken, double torchTokS, double torchMeanTokS, String torchSetting) {
    }

    public static void main(String[] args) throws Exception {
        String sizes = "small:512,medium:1024";
        int batch = 4;
        int warmup = 2;
        String steps = "8,4";
        int matmulN = 2048;
        String peer = "benchmarks/scripts/torch_peer.py";
        String python = "/usr/bin/python3";
        boolean runPeer = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = args[++i];
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--steps" -> steps = args[++i];
                case "--matmul" -> matmulN = Integer.parseInt(args[++i]);
                case "--peer" -> peer = args[++i];
                case "--python" -> python = args[++i];
                case "--no-peer" -> runPeer = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; known: --sizes NAME:T,... --batch --warmup --steps N,... --matmul --peer --python --no-peer");
            }
        }
        Engine engine = Engine.getEngine("PyTorch");
        System.out.printf(Locale.ROOT, "engine %s %s, threads: intra-op default, LD_PRELOAD=%s%n",
                engine.getEngineName(), engine.getVersion(), System.getenv().getOrDefault("LD_PRELOAD", "(none)"));

        double matmulGflops;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            matmulGflops = matmul(m, matmulN);
        }
        System.out.printf(Locale.ROOT, "matmul fp32 %d^3: %.1f GFLOP/s%n", matmulN, matmulGflops);

        String[] sizeList = sizes.split(",");
        String[] stepList = steps.split(",");
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < sizeList.length; s++) {
            String[] nameSeq = sizeList[s].split(":");
            String name = nameSeq[0];
            int seq = Integer.parseInt(nameSeq[1]);
            int n = Integer.parseInt(stepList[Math.min(s, stepList.length - 1)].trim());
            // Dropout off on both sides: a throughput comparison of the fp32 architecture.
            ModelConfig preset = ConfigLoader.preset("models", name, ModelConfig.class);
            ModelConfig c = new ModelConfig(preset.vocabSize(), preset.hidden(), preset.layers(), preset.heads(),
                    preset.kvHeads(), preset.ffnHidden(), Math.max(seq, preset.maxContext()), preset.ropeTheta(),
                    preset.rmsEps(), preset.qkNorm(), preset.normReordering(), 0.0, 0.0, false);
            double[] ours = ourTraining(c, batch, seq, warmup, n);
            long params = c.parameterCount();
            long matmulParams = params - c.embeddingParameters();
            double flopsPerToken = 6.0 * matmulParams + 12.0 * c.layers() * c.hidden() * seq;
            double[] torch = {Double.NaN, Double.NaN};
            String setting = "-";
            if (runPeer) {
                String[] base = {python, peer, "--vocab", "" + c.vocabSize(), "--hidden", "" + c.hidden(),
                    "--layers", "" + c.layers(), "--heads", "" + c.heads(), "--ffn", "" + c.ffnHidden(),
                    "--batch", "" + batch, "--seq", "" + seq, "--warmup", "" + warmup,
                    "--steps", "" + n};
                double[] a = peerRun(base, Map.of("OPENBLAS_NUM_THREADS", "1", "OMP_NUM_THREADS", "2"), null);
                double[] b = peerRun(base, Map.of(), "2");
                boolean first = !(b[0] > a[0]);
                torch = first ? a : b;
                setting = first ? "OPENBLAS=1,OMP=2" : "set_num_threads(2)";
            }
            rows.add(new Row(name, params, matmulParams, seq, batch, ours[0], ours[1], flopsPerToken, torch[0], torch[1],
                    setting));
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "Training benchmark: fp32, batch %d, AdamW, dropout 0; matmul %d^3 = %.1f GFLOP/s%n",
                batch, matmulN, matmulGflops);
        System.out.println("FLOP/token = 6*P_matmul + 12*L*d*T (P_matmul = params without the embedding table);"
                + " 6P = 6*all params");
        System.out.println("tok/s from the fastest timed step on each side (robust to other load on the machine);"
                + " the mean over all timed steps in brackets");
        System.out.printf(Locale.ROOT, "%-7s %10s %5s %17s %17s %7s %12s %8s %8s  %s%n", "size", "params", "T",
                "ours tok/s", "torch tok/s", "ratio", "ours GFLOP/s", "%matmul", "%mm(6P)", "torch setting");
        for (Row r : rows) {
            double gflops = r.ourTokS * r.flopsPerToken / 1e9;
            double gflops6p = r.ourTokS * 6.0 * r.params / 1e9;
            System.out.printf(Locale.ROOT, "%-7s %10d %5d %8.0f [%6.0f] %8.0f [%6.0f] %6.2fx %12.1f %7.1f%% %7.1f%%  %s%n",
                    r.name, r.params, r.seq, r.ourTokS, r.ourMeanTokS, r.torchTokS, r.torchMeanTokS,
                    r.ourTokS / r.torchTokS, gflops,
                    100 * gflops / matmulGflops, 100 * gflops6p / matmulGflops, r.torchSetting);
        }
        System.out.println("goals: ratio >= 1.5x, %matmul >= 75%");
    }

    /** GFLOP/s of an fp32 n x n x n matmul: 2 warm-up products, then the fastest of 10 timed products. */
    static double matmul(NDManager m, int n) {
        NDArray a = m.randomNormal(new Shape(n, n));
        NDArray b = m.randomNormal(new Shape(n, n));
        for (int i = 0; i < 2; i++) {
            try (NDArray c = a.matMul(b)) {
                c.getFloat(0, 0);
            }
        }
        double best = 0;
        for (int round = 0; round < 10; round++) {
            long start = System.nanoTime();
            try (NDArray c = a.matMul(b)) {
                c.getFloat(0, 0);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, 2.0 * n * n * (double) n / seconds / 1e9);
        }
        return best;
    }

    /** Tokens/s of our training step after {@code warmup}: {fastest timed step, mean over {@code steps}}. */
    static double[] ourTraining(ModelConfig c, int batch, int seq, int warmup, int steps) {
        ChameleonModel net = new ChameleonModel(c);
        try (Model model = Model.newInstance("bench-" + c.hidden(), Device.cpu())) {
            model.setBlock(net);
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.l2Loss())   // unused: the loss is ours
                    .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-4f))
                            .optBeta1(0.9f).optBeta2(0.95f).optWeightDecays(0.1f).build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.initialize(new Shape(batch, seq));
                NDManager root = trainer.getManager();
                Random rnd = new Random(7);
                long[] ids = new long[batch * (seq + 1)];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rnd.nextInt(c.vocabSize());
                }
                float[] mask = new float[batch * seq];
                for (int bi = 0; bi < batch; bi++) {
                    for (int t = seq / 4; t < seq; t++) {
                        mask[bi * seq + t] = 1f;                 // a "prompt" quarter carries no loss
                    }
                }
                double timed = 0;
                double fastest = Double.MAX_VALUE;
                float loss = Float.NaN;
                for (int step = 0; step < warmup + steps; step++) {
                    long start = System.nanoTime();
                    try (NDManager sub = root.newSubManager()) {
                        NDArray all = sub.create(ids, new Shape(batch, seq + 1));
                        NDArray inputs = all.get(":, 0:{}", seq);                            // (B, T)
                        NDArray targets = all.get(":, 1:");                                  // (B, T)
                        NDArray lossMask = sub.create(mask, new Shape(batch, seq));          // (B, T)
                        NDArray count = lossMask.sum();                                      // ()
                        try (NDScope scope = new NDScope(); GradientCollector gc = trainer.newGradientCollector()) {
                            scope.suppressNotUsedWarning();
                            NDArray logits = trainer.forward(new NDList(inputs)).head();     // (B, T, V)
                            NDArray nll = logits.logSoftmax(-1).gather(targets.expandDims(-1), -1)
                                    .squeeze(-1).neg();                                      // (B, T)
                            NDArray lossArr = nll.mul(lossMask).sum().div(count);            // ()
                            gc.backward(lossArr);
                            if (step == warmup + steps - 1) {
                                loss = lossArr.getFloat();
                            }
                        }
                        trainer.step();                                 // never inside an NDScope
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (step >= warmup) {
                        timed += seconds;
                        fastest = Math.min(fastest, seconds);
                    }
                    System.out.printf(Locale.ROOT, "  ours %s T=%d step %d: %.3f s%s%n", label(c), seq, step, seconds,
                            step < warmup ? " (warm-up)" : "");
                }
                double tokS = (double) batch * seq * steps / timed;
                double best = (double) batch * seq / fastest;
                System.out.printf(Locale.ROOT, "ours %s T=%d: %.0f tok/s fastest step, %.0f tok/s mean, final loss %.4f%n",
                        label(c), seq, best, tokS, loss);
                return new double[] {best, tokS};
            }
        }
    }

    private static String label(ModelConfig c) {
        return String.format(Locale.ROOT, "%.1fM", c.parameterCount() / 1e6);
    }

    private static final Pattern TOK_S = Pattern.compile("\"tokens_per_s\":\\s*([0-9.eE+-]+)");
    private static final Pattern TOK_S_BEST = Pattern.compile("\"tokens_per_s_best\":\\s*([0-9.eE+-]+)");

    /** Runs the PyTorch peer with extra environment (and optionally --threads): {fastest, mean}; NaN if it fails. */
    static double[] peerRun(String[] base, Map<String, String> env, String threads) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(base));
        if (threads != null) {
            cmd.add("--threads");
            cmd.add(threads);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("LD_PRELOAD");        // jemalloc is for the JVM; the peer runs stock
        pb.environment().remove("MALLOC_CONF");
        pb.environment().remove("OPENBLAS_NUM_THREADS");
        pb.environment().remove("OMP_NUM_THREADS");
        pb.environment().putAll(env);
        Process p = pb.start();
        double tokS = Double.NaN;
        double best = Double.NaN;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("  torch " + (env.isEmpty() ? "set_num_threads(" + threads + ")" : env) + ": " + line);
                Matcher mt = TOK_S.matcher(line);
                if (mt.find()) {
                    tokS = Double.parseDouble(mt.group(1));
                }
                Matcher mb = TOK_S_BEST.matcher(line);
                if (mb.find()) {
                    best = Double.parseDouble(mb.group(1));
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0) {
            System.out.println("  torch peer exited with " + rc + " (" + Path.of(base[1]) + ")");
        }
        return new double[] {best, tokS};
    }
}
