package dev.chameleon.workbench.trainer.train;

import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.pack.OversizePolicy;
import dev.chameleon.workbench.trainer.pack.PackItem;
import dev.chameleon.workbench.trainer.pack.PackPlan;
import dev.chameleon.workbench.trainer.pack.PackedWindow;
import dev.chameleon.workbench.trainer.pack.Packer;
import dev.chameleon.workbench.trainer.render.RenderedExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An endless, seeded stream of packed windows drawn by per-category weights; window i depends only on the seed
 * and i, so a resumed run sees exactly the windows the uninterrupted run would have.
 *
 * <p>The stream is cut into rounds. Round r draws examples with {@code Random(seed, r)}: a category by its
 * weight, then an example of that category uniformly, until about {@code windowsPerRound * T} tokens; packs
 * them best-fit-decreasing (oversized examples cut at turns); and shuffles the windows. Reaching window i
 * replays the packing (not the model) of the rounds before it, which takes milliseconds.
 *
 * <p>Step s of a run trains on windows {@code s * E .. s * E + E - 1}, E = batch_size * grad_accum, micro-batch k
 * taking {@code batch_size} of them in order. {@link #of} is the one way to build the stream a run draws, for the
 * run itself and for the export of its data ({@code trainer.handoff}).
 */
public final class WindowStream {

    private final List<RenderedExample> examples;
    private final int[][] byCategory;
    private final double[] cumulative;
    private final Category[] drawable;
    private final Packer packer;
    private final long seed;
    private final int windowsPerRound;
    private final PackedWindow window;

    private int round = -1;
    private long roundStart;
    private PackPlan plan;
    private List<RenderedExample> roundExamples;
    private int[] order;

    /** The stream {@link SftRun} draws for {@code config} over {@code examples} (rendered, guidance rows included). */
    public static WindowStream of(TrainConfig config, List<RenderedExample> examples, int padToken) {
        return new WindowStream(examples, config.categoryWeights(), config.seqLen(), padToken, config.seed(),
                Math.max(4 * config.effectiveBatch(), 16));
    }

    WindowStream(List<RenderedExample> examples, Map<Category, Double> weights, int seqLen, int padToken,
            long seed, int windowsPerRound) {
        this.examples = examples;
        this.seed = seed;
        this.windowsPerRound = Math.max(1, windowsPerRound);
        this.packer = new Packer(seqLen, OversizePolicy.CUT_AT_TURN);
        this.window = new PackedWindow(seqLen, padToken);
        List<List<Integer>> lists = new ArrayList<>();
        for (int c = 0; c < Category.values().length; c++) {
            lists.add(new ArrayList<>());
        }
        for (int i = 0; i < examples.size(); i++) {
            lists.get(examples.get(i).category().ordinal()).add(i);
        }
        List<Category> cats = new ArrayList<>();
        List<Double> cum = new ArrayList<>();
        double sum = 0;
        byCategory = new int[Category.values().length][];
        for (Category c : Category.values()) {
            byCategory[c.ordinal()] = lists.get(c.ordinal()).stream().mapToInt(Integer::intValue).toArray();
            double w = weights.getOrDefault(c, 0.0);
            if (w > 0 && byCategory[c.ordinal()].length > 0) {
                sum += w;
                cats.add(c);
                cum.add(sum);
            }
        }
        if (cats.isEmpty()) {
            throw new IllegalArgumentException("mix: no category with a positive weight has examples in the"
                    + " snapshot (weights " + weights + "); give a weight to a category the snapshot holds");
        }
        drawable = cats.toArray(Category[]::new);
        cumulative = cum.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Categories that are drawn (positive weight and present in the data). */
    public List<Category> drawnCategories() {
        return List.of(drawable);
    }

    /** Loads window {@code i} (0-based, non-decreasing across calls or restarting from 0) and returns it. */
    public PackedWindow window(long i) {
        if (round < 0 || i < roundStart) {
            round = -1;
            roundStart = 0;
            plan = null;
        }
        while (plan == null || i >= roundStart + plan.windows()) {
            if (plan != null) {
                roundStart += plan.windows();
            }
            round++;
            pack(round);
        }
        window.load(plan, order[(int) (i - roundStart)], roundExamples);
        return window;
    }

    /** The example a document of the current window came from. */
    public RenderedExample example(int document) {
        return roundExamples.get(window.exampleIndex(document));
    }

    private void pack(int r) {
        Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + r);
        long budget = (long) windowsPerRound * packer.capacity();
        List<RenderedExample> drawn = new ArrayList<>();
        List<PackItem> items = new ArrayList<>();
        long tokens = 0;
        while (tokens < budget) {
            double u = rnd.nextDouble() * cumulative[cumulative.length - 1];
            int k = 0;
            while (k < cumulative.length - 1 && u >= cumulative[k]) {
                k++;
            }
            int[] pool = byCategory[drawable[k].ordinal()];
            RenderedExample ex = examples.get(pool[rnd.nextInt(pool.length)]);
            items.add(PackItem.of(drawn.size(), ex));
            drawn.add(ex);
            tokens += ex.length();
        }
        PackPlan p = packer.bestFitDecreasing(items);
        if (p.windows() == 0) {
            throw new IllegalStateException("round " + r + " packed no window: every drawn example is longer than"
                    + " seq_len=" + packer.capacity() + " without a turn boundary that fits; raise seq_len");
        }
        int[] o = new int[p.windows()];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        for (int i = o.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        plan = p;
        roundExamples = drawn;
        order = o;
    }
}
