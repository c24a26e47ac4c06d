package dev.chameleon.workbench.bench.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.GenerationResult;
import dev.chameleon.workbench.trainer.generate.Generator;
import dev.chameleon.workbench.trainer.generate.Guidance;
import dev.chameleon.workbench.trainer.generate.Mode;
import dev.chameleon.workbench.trainer.generate.Sampling;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.KvCache;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Generation benchmark (issue 5, "Must show"), in one JVM run, fp32, batch 1, random weights (speed does not
 * depend on what the weights say):
 *
 * <ol>
 *   <li>decode tokens/s at a 1,024-token context with the KV cache ({@link ChameleonModel#forwardCached}, one new
 *       token per step) and without it (the full forward over the whole sequence every step), greedy, per model
 *       preset;</li>
 *   <li>time to first token through {@link Generator} for a short and a 1,024-token prompt;</li>
 *   <li>images per minute for the tiny preset with the small VQ tokenizer (N = 256 codes, untrained weights):
 *       image mode, default sampling and guidance (three rows), partial images every 32 codes decoded;</li>
 *   <li>the same model's cached decoding in PyTorch eager mode ({@code benchmarks/scripts/torch_gen_peer.py}, Debian
 *       python3-torch with OpenBLAS) at two thread settings, best taken.</li>
 * </ol>
 * Usage: {@code GenerationBenchmark [--models tiny,small] [--context 1024] [--decode 128] [--uncached 6]
 * [--images 3] [--peer benchmarks/scripts/torch_gen_peer.py] [--python /usr/bin/python3] [--no-peer]};
 * see {@code benchmarks/scripts/bench-generation.sh}.
 */
public final class GenerationBenchmark {

    private GenerationBenchmark() {
    }

    /** Rates in tokens/s: 1 / the median step, and 1 / the fastest step. */
    record Decode(String name, long params, double cached, double cachedBest, double uncached, double uncachedBest,
            double torch, double torchBest, String torchSetting) {
    }

    public static void main(String[] args) throws Exception {
        String models = "tiny,small";
        int context = 1024;
        int decode = 128;
        int uncachedSteps = 6;
        int images = 3;
        String peer = "benchmarks/scripts/torch_gen_peer.py";
        String python = "/usr/bin/python3";
        boolean runPeer = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--models" -> models = args[++i];
                case "--context" -> context = Integer.parseInt(args[++i]);
                case "--decode" -> decode = Integer.parseInt(args[++i]);
                case "--uncached" -> uncachedSteps = Integer.parseInt(args[++i]);
                case "--images" -> images = Integer.parseInt(args[++i]);
                case "--peer" -> peer = args[++i];
                case "--python" -> python = args[++i];
                case "--no-peer" -> runPeer = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; known: --models A,B"
                        + " --context --decode --uncached --images --peer --python --no-peer");
            }
        }
        Engine engine = Engine.getEngine("PyTorch");
        System.out.printf(Locale.ROOT, "engine %s %s, LD_PRELOAD=%s%n", engine.getEngineName(), engine.getVersion(),
                System.getenv().getOrDefault("LD_PRELOAD", "(none)"));

        List<Decode> rows = new ArrayList<>();
        for (String name : models.split(",")) {
            ModelConfig c = preset(name, context + decode + 8);
            double[] ours = decodeRates(c, context, decode, uncachedSteps);
            double[] torch = {Double.NaN, Double.NaN};
            String setting = "-";
            if (runPeer) {
                String[] base = {python, peer, "--vocab", "" + c.vocabSize(), "--hidden", "" + c.hidden(),
                    "--layers", "" + c.layers(), "--heads", "" + c.heads(), "--kv-heads", "" + c.kvHeads(),
                    "--ffn", "" + c.ffnHidden(), "--context", "" + context, "--decode", "" + decode};
                double[] a = TrainingBenchmark.peerRun(base, Map.of("OPENBLAS_NUM_THREADS", "1", "OMP_NUM_THREADS", "1"),
                        "1");
                double[] b = TrainingBenchmark.peerRun(base, Map.of("OPENBLAS_NUM_THREADS", "1", "OMP_NUM_THREADS", "2"),
                        null);
                boolean first = !(b[1] > a[1]);
                torch = first ? a : b;
                setting = first ? "1 thread" : "OPENBLAS=1,OMP=2";
            }
            rows.add(new Decode(name, c.parameterCount(), ours[0], ours[1], ours[2], ours[3], torch[1], torch[0],
                    setting));
        }

        // ---- time to first token and images per minute: the tiny preset, small VQ (N = 256)
        ModelConfig tiny = preset("tiny", 2048);
        double ttftShort;
        double ttftLong;
        double perImage;
        double perImageBatch;
        int n;
        try (VqImageTokenizer vq = VqImageTokenizer.untrained(VqConfig.small(), 1);
             Generator g = Generator.untrained(tiny, 3, new ByteTokenizer(tiny.vocabSize(), vq.codebookSize(), 8), vq)) {
            n = g.imageTokens();
            g.generate(GenerationRequest.of("warm up", Mode.IMAGE, n + 3), null, null);
            ttftShort = firstToken(g, "Draw a red circle on a white background.");
            ttftLong = firstToken(g, "x".repeat(context - 20));
            long start = System.nanoTime();
            for (int i = 0; i < images; i++) {
                GenerationResult r = g.generate(new GenerationRequest("a picture " + i, List.of(), Mode.IMAGE,
                        Sampling.defaults().withSeed(i), Guidance.defaults(), n + 3), null, null);
                if (r.images().size() != 1) {
                    throw new IllegalStateException("expected one image, got " + r.images().size());
                }
            }
            perImage = (System.nanoTime() - start) / 1e9 / images;
            List<GenerationRequest> batch = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                batch.add(new GenerationRequest("a picture " + i, List.of(), Mode.IMAGE,
                        Sampling.defaults().withSeed(i), Guidance.defaults(), n + 3));
            }
            start = System.nanoTime();
            g.generateBatch(batch, null, null);
            perImageBatch = (System.nanoTime() - start) / 1e9 / batch.size();
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "Generation benchmark: fp32, batch 1, greedy, context %d, %d decoded tokens,"
                + " intra-op threads %s%n", context, decode, System.getProperty("ai.djl.pytorch.num_threads", "default"));
        System.out.println("tok/s as 1 / median step [1 / fastest step] (robust to other load on a shared machine);"
                + " ratios of the medians");
        System.out.printf(Locale.ROOT, "%-6s %10s %18s %18s %8s %18s %8s  %s%n", "model", "params", "cached tok/s",
                "uncached tok/s", "speedup", "torch cached", "vs torch", "torch setting");
        for (Decode d : rows) {
            System.out.printf(Locale.ROOT, "%-6s %10d %8.1f [%7.1f] %8.1f [%7.1f] %7.1fx %8.1f [%7.1f] %7.2fx  %s%n",
                    d.name, d.params, d.cached, d.cachedBest, d.uncached, d.uncachedBest, d.cached / d.uncached,
                    d.torch, d.torchBest, d.cached / d.torch, d.torchSetting);
        }
        System.out.printf(Locale.ROOT, "time to first token (tiny, Generator): %.1f ms for a short prompt,"
                + " %.1f ms for a %d-token prompt%n", ttftShort * 1e3, ttftLong * 1e3, context);
        System.out.printf(Locale.ROOT, "images per minute (tiny, N = %d codes, guidance 3 rows, partial every 32):"
                + " %.1f one at a time, %.1f in a batch of 4%n", n, 60 / perImage, 60 / perImageBatch);
        System.out.println("goals: cached/uncached >= 8x, ours/torch >= 1.5x");
    }

    /** A preset with its context raised to at least {@code context}. */
    static ModelConfig preset(String name, int context) {
        ModelConfig p = ConfigLoader.preset("models", name, ModelConfig.class);
        return new ModelConfig(p.vocabSize(), p.hidden(), p.layers(), p.heads(), p.kvHeads(), p.ffnHidden(),
                Math.max(context, p.maxContext()), p.ropeTheta(), p.rmsEps(), p.qkNorm(), p.normReordering(), 0.0,
                p.zLossWeight(), false);
    }

    /** Seconds to the first generated token (prompt rendering, prefill, one sample): best of 3. */
    static double firstToken(Generator g, String prompt) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            g.generate(new GenerationRequest(prompt, List.of(), Mode.TEXT, Sampling.defaults(), Guidance.defaults(), 1),
                    null, null);
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return best;
    }

    /** {cached median, cached fastest, uncached median, uncached fastest} tok/s of greedy decoding after a {@code context}-token prompt. */
    static double[] decodeRates(ModelConfig c, int context, int decode, int uncachedSteps) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            ChameleonModel model = new ChameleonModel(c);
            model.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            ParameterStore ps = new ParameterStore(m, false);
            Random rnd = new Random(1);
            long[] prompt = new long[context];
            for (int i = 0; i < context; i++) {
                prompt[i] = rnd.nextInt(c.vocabSize());
            }
            double cached = 0;
            double cachedBest = 0;
            for (int round = 0; round < 2; round++) {                     // round 0 warms up
                try (NDManager rm = m.newSubManager(); KvCache cache = model.newCache(rm, 1)) {
                    long token;
                    try (NDScope s = new NDScope()) {
                        long[] pos = new long[context];
                        for (int i = 0; i < context; i++) {
                            pos[i] = i;
                        }
                        token = model.forwardCached(ps, rm.create(prompt, new Shape(1, context)),
                                rm.create(pos, new Shape(1, context)), null, cache, true).argMax().getLong();
                    }
                    double[] steps = new double[decode];
                    for (int i = 0; i < decode; i++) {
                        long stepStart = System.nanoTime();
                        try (NDScope s = new NDScope()) {
                            token = model.forwardCached(ps, rm.create(new long[] {token}, new Shape(1, 1)),
                                    rm.create(new long[] {context + i}, new Shape(1, 1)), null, cache, true)
                                    .argMax().getLong();                         // (1, 1, V) -> id
                        }
                        steps[i] = (System.nanoTime() - stepStart) / 1e9;
                    }
                    java.util.Arrays.sort(steps);
                    cached = 1 / steps[decode / 2];
                    cachedBest = 1 / steps[0];
                }
            }
            System.out.printf(Locale.ROOT, "ours %s cached: %.1f tok/s [fastest step %.1f]%n",
                    c.parameterCount() / 1e6 + "M", cached, cachedBest);
            long[] seq = java.util.Arrays.copyOf(prompt, context + uncachedSteps + 1);
            double[] times = new double[uncachedSteps];
            for (int i = 0; i <= uncachedSteps; i++) {                     // step 0 warms up
                long start = System.nanoTime();
                try (NDManager rm = m.newSubManager(); NDScope s = new NDScope()) {
                    int t = context + i;
                    NDArray ids = rm.create(java.util.Arrays.copyOf(seq, t), new Shape(1, t));    // (1, T)
                    NDArray logits = model.forward(ps, new NDList(ids), false).head();          // (1, T, V)
                    seq[t] = logits.get(":, -1, :").argMax().getLong();
                }
                if (i > 0) {
                    times[i - 1] = (System.nanoTime() - start) / 1e9;
                }
            }
            java.util.Arrays.sort(times);
            double median = times[uncachedSteps / 2];
            System.out.printf(Locale.ROOT, "ours %s uncached: %.1f tok/s [fastest step %.1f]%n",
                    c.parameterCount() / 1e6 + "M", 1 / median, 1 / times[0]);
            return new double[] {cached, cachedBest, 1 / median, 1 / times[0]};
        }
    }
}
