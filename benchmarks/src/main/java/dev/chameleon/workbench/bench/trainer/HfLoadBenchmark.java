package dev.chameleon.workbench.bench.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.hf.HfWeights;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.safetensors.ShardedSafetensorsWriter;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.train.AdamW;
import dev.chameleon.workbench.trainer.train.MemoryEstimate;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Loading a checkpoint in the Hugging Face layout, and the memory estimate against the measured footprint.
 *
 * <pre>
 *   hf-load write --dir DIR [--layers 15]   a random ~1B-parameter Chameleon as bf16 shards of 1 GB (once)
 *   hf-load load --dir DIR                  open + build + load: seconds and peak RSS, beside the fp32 model size
 *   hf-load footprint --model small --seq 256 --batch 2 [--steps 3]
 *                                           full fine-tuning steps: peak RSS growth against MemoryEstimate
 * </pre>
 * Each mode is meant to run in its own JVM (benchmarks/scripts/bench-hf-load.sh does so): the peak resident set
 * (VmHWM) of a process is its whole life's high-water mark.
 */
public final class HfLoadBenchmark {

    private HfLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("name a mode: write, load or footprint");
        }
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        switch (args[0]) {
            case "write" -> write(Path.of(o.getOrDefault("--dir", "/tmp/wb-hf-1b")),
                    Integer.parseInt(o.getOrDefault("--layers", "15")));
            case "load" -> load(Path.of(o.getOrDefault("--dir", "/tmp/wb-hf-1b")));
            case "footprint" -> footprint(o.getOrDefault("--model", "small"),
                    Integer.parseInt(o.getOrDefault("--seq", "256")), Integer.parseInt(o.getOrDefault("--batch", "2")),
                    Integer.parseInt(o.getOrDefault("--steps", "3")));
            default -> throw new IllegalArgumentException("unknown mode " + args[0] + "; use write, load or footprint");
        }
    }

    /** A LLaMA-1B-like Chameleon: 65,536 ids, d 2048, 16 heads, SwiGLU 5632, {@code layers} layers. */
    static ModelConfig oneBillion(int layers) {
        return ModelConfig.of(65_536, 2048, layers, 16, 16, 5632, 4096);
    }

    private static void write(Path dir, int layers) throws IOException {
        ModelConfig c = oneBillion(layers);
        if (HfCheckpoint.isHfFolder(dir)) {
            System.out.println("exists: " + dir + " (delete it to write again)");
            return;
        }
        System.out.printf(Locale.ROOT, "writing a random Chameleon of %,d parameters as bf16 shards to %s%n",
                c.parameterCount(), dir);
        long t0 = System.nanoTime();
        Path tmp = Files.createDirectories(dir.resolveSibling(dir.getFileName() + ".tmp"));
        ShardedSafetensorsWriter w = new ShardedSafetensorsWriter(1_000_000_000L).metadata("format", "pt");
        int[] seed = {1};
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel shapes = new ChameleonModel(c);
            for (var p : shapes.getParameters()) {
                String hf = HfWeights.hfName(p.getKey()).orElseThrow();
                long[] shape = shapeOf(c, p.getKey(), hf);
                long count = 1;
                for (long s : shape) {
                    count *= s;
                }
                long n = count;
                boolean norm = hf.contains("norm") && hf.endsWith(".weight");
                SplittableRandom r = new SplittableRandom(seed[0]++);
                w.add(hf, Dtype.BF16, shape, sink -> {
                    float[] chunk = new float[1 << 20];
                    for (long done = 0; done < n; done += chunk.length) {
                        int len = (int) Math.min(chunk.length, n - done);
                        for (int i = 0; i < len; i++) {
                            chunk[i] = norm ? 1f : (float) (r.nextDouble() - 0.5) * 0.04f;
                        }
                        sink.put(chunk, 0, len);
                    }
                });
            }
            w.write(tmp);
        }
        Map<String, Object> json = HfCheckpoint.modelConfigJson(c, Dtype.BF16);
        Files.writeString(tmp.resolve("config.json"), new ObjectMapper().writeValueAsString(json));
        Files.move(tmp, dir);
        System.out.printf(Locale.ROOT, "wrote %.2f GB in %.1f s%n", folderBytes(dir) / 1e9, (System.nanoTime() - t0) / 1e9);
    }

    /** The Hugging Face shape of one parameter, from the config alone (no weights allocated). */
    private static long[] shapeOf(ModelConfig c, String ours, String hf) {
        long d = c.hidden();
        long hd = c.headDim();
        if (hf.endsWith("q_norm.weight") || hf.endsWith("q_norm.bias")) {
            return new long[] {c.heads(), hd};
        }
        if (hf.endsWith("k_norm.weight") || hf.endsWith("k_norm.bias")) {
            return new long[] {c.kvHeads(), hd};
        }
        if (hf.endsWith("layernorm.weight") || hf.equals("model.norm.weight")) {
            return new long[] {d};
        }
        if (hf.endsWith("embed_tokens.weight") || hf.equals("lm_head.weight")) {
            return new long[] {c.vocabSize(), d};
        }
        if (hf.endsWith("q_proj.weight")) {
            return new long[] {c.heads() * hd, d};
        }
        if (hf.endsWith("k_proj.weight") || hf.endsWith("v_proj.weight")) {
            return new long[] {c.kvHeads() * hd, d};
        }
        if (hf.endsWith("o_proj.weight")) {
            return new long[] {d, c.heads() * hd};
        }
        if (hf.endsWith("gate_proj.weight") || hf.endsWith("up_proj.weight")) {
            return new long[] {c.ffnHidden(), d};
        }
        if (hf.endsWith("down_proj.weight")) {
            return new long[] {d, c.ffnHidden()};
        }
        throw new IllegalStateException("no shape for " + ours + " (" + hf + ")");
    }

    private static void load(Path dir) throws IOException {
        try (NDManager warm = NDManager.newBaseManager()) {
            warm.ones(new Shape(1)).sum();                                      // the engine loaded before measuring
        }
        double before = status("VmRSS:");
        long t0 = System.nanoTime();
        try (HfCheckpoint hf = HfCheckpoint.open(dir); NDManager m = NDManager.newBaseManager()) {
            ModelConfig c = hf.modelConfig();
            ChameleonModel net = new ChameleonModel(c);
            net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 8));
            long t1 = System.nanoTime();
            hf.loadInto(net, null);
            long t2 = System.nanoTime();
            NDArray ids = m.create(new long[] {0, 5, 9000, 2}, new Shape(1, 4));
            float first = net.forward(new ParameterStore(m, false), new NDList(ids), false).head().getFloat(0, 0, 0);
            double fp32 = c.parameterCount() * 4.0;
            double peak = status("VmHWM:");
            System.out.printf(Locale.ROOT, "checkpoint: %s, %.2f GB on disk (bf16), %,d parameters = %.2f GB as fp32%n",
                    dir, folderBytes(dir) / 1e9, c.parameterCount(), fp32 / 1e9);
            System.out.printf(Locale.ROOT, "build + zero-initialise: %.1f s; read and convert: %.1f s; total %.1f s%n",
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9);
            System.out.printf(Locale.ROOT, "RSS before load %.2f GB, peak %.2f GB: growth %.2f GB = %.2fx the fp32"
                    + " model (a load holding a second copy would be >= 2x); first logit %.4f%n", before / 1e9,
                    peak / 1e9, (peak - before) / 1e9, (peak - before) / fp32, first);
        }
    }

    private static void footprint(String preset, int seq, int batch, int steps) throws IOException {
        ModelConfig c = ConfigLoader.preset("models", preset, ModelConfig.class);
        MemoryEstimate e = MemoryEstimate.fullFineTuning(c, seq, batch);
        try (NDManager warm = NDManager.newBaseManager()) {
            warm.ones(new Shape(1)).sum();
        }
        double before = status("VmRSS:");
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            ChameleonModel net = new ChameleonModel(c);
            net.initialize(m, DataType.FLOAT32, new Shape(batch, seq));
            AdamW adam = new AdamW(net.getParameters(), m, 0.9, 0.95, 1e-5, 0.1, false);
            SplittableRandom r = new SplittableRandom(2);
            for (int s = 0; s < steps; s++) {
                try (NDManager step = m.newSubManager()) {
                    long[] ids = new long[batch * seq];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = 2 + r.nextInt(c.vocabSize() - 2);
                    }
                    NDArray x = step.create(ids, new Shape(batch, seq));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = net.forward(new ParameterStore(step, false), new NDList(x), true).head();
                        NDArray logp = logits.logSoftmax(2);                   // (B, T, V)
                        NDArray loss = logp.gather(x.expandDims(2), 2).neg().mean();
                        gc.backward(loss);
                    }
                    adam.step(1e-4, 1f);
                }
            }
        }
        double peak = status("VmHWM:");
        double measured = peak - before;
        System.out.printf(Locale.ROOT, "model %s (%,d parameters), T=%d, batch %d, %d full fine-tuning steps (fp32)%n",
                preset, c.parameterCount(), seq, batch, steps);
        System.out.printf(Locale.ROOT, "estimate %s GiB (%s); measured peak RSS growth %.2f GiB; measured/estimate"
                + " %.2f%n", MemoryEstimate.gib(e.total()), e.parts(), measured / (1L << 30), measured / e.total());
    }

    /** A /proc/self/status field in bytes (VmRSS: now, VmHWM: the peak). */
    static double status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024.0;
            }
        }
        return -1;
    }

    private static long folderBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
