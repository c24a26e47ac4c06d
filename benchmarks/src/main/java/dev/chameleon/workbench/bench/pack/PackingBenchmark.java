package dev.chameleon.workbench.bench.pack;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.pack.OversizePolicy;
import dev.chameleon.workbench.trainer.pack.PackItem;
import dev.chameleon.workbench.trainer.pack.PackPlan;
import dev.chameleon.workbench.trainer.pack.PackReport;
import dev.chameleon.workbench.trainer.pack.Packer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One-run benchmark of best-fit decreasing against first-fit in input order, on synthetic rendered-length records.
 *
 * <p>Build the module, then run (from the repository root):
 * <pre>
 *   mvn -B -o -pl benchmarks -am -DskipTests package
 *   java -Xmx4g -jar benchmarks/target/benchmarks.jar packing
 *   java -Xmx4g -jar benchmarks/target/benchmarks.jar packing 1000000 4096 42
 * </pre>
 * Arguments: records (default 1,000,000), window capacity (default 4096), seed (default 42).
 *
 * <p>The mix: 60% short text (20 to 300 tokens), 20% long text (300 to 3000), 15% one image (a 1026-token block:
 * begin-image, 1024 codes, end-image) with 10 to 200 text tokens, 5% two images with 10 to 200 text tokens. Each
 * algorithm runs twice on the same records; both times are printed, the first including JIT warm-up. Goals for
 * best-fit decreasing: fill at least 99.5%, at most 5 s.
 */
public final class PackingBenchmark {

    private PackingBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int capacity = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        List<PackItem> items = generate(n, seed);
        long tokens = 0;
        for (PackItem it : items) {
            tokens += it.length();
        }
        System.out.printf(Locale.ROOT, "%,d records, %,d tokens, window %d, %d cores, %s%n", n, tokens, capacity,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.version"));
        Packer packer = new Packer(capacity, OversizePolicy.DROP);
        for (int run = 1; run <= 2; run++) {
            long t0 = System.nanoTime();
            PackPlan bfd = packer.bestFitDecreasing(items);
            long t1 = System.nanoTime();
            PackPlan ff = packer.firstFit(items);
            long t2 = System.nanoTime();
            print("run " + run + " best-fit decreasing", bfd.report(), t1 - t0);
            print("run " + run + " first-fit (input order)", ff.report(), t2 - t1);
        }
    }

    private static void print(String name, PackReport r, long nanos) {
        System.out.printf(Locale.ROOT, "%-36s fill %.4f%%  windows %,9d  %.3f s  (image share %.1f%%, dropped %d)%n",
                name, 100 * r.fillRatio(), r.windows(), nanos / 1e9, 100 * r.imageShare(), r.dropped().size());
    }

    /** The synthetic mix described in the class comment, seeded. */
    static List<PackItem> generate(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<PackItem> out = new ArrayList<>(n);
        int[] none = new int[0];
        for (int i = 0; i < n; i++) {
            int u = r.nextInt(100);
            if (u < 60) {
                out.add(PackItem.text(i, r.nextInt(20, 301), u < 45 ? Category.TEXT : Category.CODE));
            } else if (u < 80) {
                int len = r.nextInt(300, 3001);
                int q = r.nextInt(10, len - 10);
                out.add(new PackItem(i, len, u < 75 ? Category.TEXT : Category.SAFETY, new int[]{q, len}, none));
            } else if (u < 95) {
                int text = r.nextInt(10, 201);
                int imageAt = 1 + r.nextInt(text);
                out.add(new PackItem(i, text + 1026, Category.VISUAL_CHAT, new int[]{text + 1026},
                        new int[]{imageAt, imageAt + 1026}));
            } else {
                int text = r.nextInt(10, 201);
                out.add(new PackItem(i, text + 2052, Category.INTERLEAVED_GENERATION, new int[]{text + 2052},
                        new int[]{1, 1027, 1027 + text / 2, 2053 + text / 2}));
            }
        }
        return out;
    }
}
