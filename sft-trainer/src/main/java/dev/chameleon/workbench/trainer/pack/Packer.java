package dev.chameleon.workbench.trainer.pack;

import dev.chameleon.workbench.curation.model.Category;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Packs examples into fixed windows: best-fit decreasing (the default) or first-fit in input order (the baseline).
 *
 * <p>Best-fit decreasing places the longest piece first, each into the open window whose free space is the smallest
 * that still holds it, opening a window when none does. Lengths are at most the capacity, so pieces are sorted by a
 * stable counting sort and open windows are kept in one intrusive list per amount of free space, with a bit set over
 * free space to find the smallest non-empty list at or above a length: O(n + n * capacity / 64) in all, with no
 * allocation per piece. First-fit finds the lowest-numbered window with room through a max segment tree over free
 * space: the same placement as scanning the windows one by one, in O(n log n).
 *
 * <p>Examples longer than the window follow the {@link OversizePolicy}; what is left out is in
 * {@link PackReport#dropped()}. The result depends only on the input and the settings.
 */
public final class Packer {

    /** Largest window the packer accepts; its bucket arrays are sized by the capacity. */
    public static final int MAX_CAPACITY = 1 << 20;

    private final int capacity;
    private final OversizePolicy policy;

    public Packer(int capacity, OversizePolicy policy) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("pack capacity is " + capacity + "; set it between 1 and "
                    + MAX_CAPACITY + " tokens (4096 for the Chameleon SFT recipe)");
        }
        if (policy == null) {
            throw new IllegalArgumentException("oversize policy is missing; use DROP, CUT_AT_TURN or FAIL");
        }
        this.capacity = capacity;
        this.policy = policy;
    }

    public int capacity() {
        return capacity;
    }

    public OversizePolicy policy() {
        return policy;
    }

    /** Best-fit decreasing; within one length, pieces keep their input order. */
    public PackPlan bestFitDecreasing(List<PackItem> items) {
        Pieces p = split(items);
        int n = p.size;
        int c = capacity;

        // Stable counting sort by length, longest first.
        int[] next = new int[c + 2];
        for (int i = 0; i < n; i++) {
            next[p.length[i]]++;
        }
        int acc = 0;
        for (int len = c; len >= 1; len--) {
            int k = next[len];
            next[len] = acc;
            acc += k;
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[next[p.length[i]]++] = i;
        }

        // head[r]: an open window with exactly r tokens free, linked through link[w]; bit r of nonEmpty says head[r] >= 0.
        int[] head = new int[c + 1];
        Arrays.fill(head, -1);
        long[] nonEmpty = new long[(c >>> 6) + 1];
        int[] link = new int[Math.max(16, n / 4)];
        int windows = 0;
        int[] windowOf = new int[n];
        for (int o = 0; o < n; o++) {
            int piece = order[o];
            int len = p.length[piece];
            int r = nextSetBit(nonEmpty, len, c);
            int w;
            int free;
            if (r < 0) {
                w = windows++;
                if (w == link.length) {
                    link = Arrays.copyOf(link, link.length * 2);
                }
                free = c - len;
            } else {
                w = head[r];
                head[r] = link[w];
                if (head[r] < 0) {
                    nonEmpty[r >>> 6] &= ~(1L << r);
                }
                free = r - len;
            }
            windowOf[piece] = w;
            if (free > 0) {
                link[w] = head[free];
                head[free] = w;
                nonEmpty[free >>> 6] |= 1L << free;
            }
        }
        return plan(items, p, order, windowOf, windows);
    }

    /** First-fit in input order: each piece goes into the lowest-numbered window with room. */
    public PackPlan firstFit(List<PackItem> items) {
        Pieces p = split(items);
        int n = p.size;
        int leaves = 1;
        while (leaves < Math.max(n, 1)) {
            leaves <<= 1;
        }
        // tree[1] is the root; leaf i (window i) sits at leaves + i and holds its free space; unopened windows are empty.
        int[] tree = new int[2 * leaves];
        Arrays.fill(tree, capacity);
        int windows = 0;
        int[] windowOf = new int[n];
        int[] order = new int[n];
        for (int piece = 0; piece < n; piece++) {
            order[piece] = piece;
            int len = p.length[piece];
            int node = 1;
            while (node < leaves) {
                node = tree[2 * node] >= len ? 2 * node : 2 * node + 1;
            }
            int w = node - leaves;
            windowOf[piece] = w;
            windows = Math.max(windows, w + 1);
            tree[node] -= len;
            for (node >>>= 1; node >= 1; node >>>= 1) {
                tree[node] = Math.max(tree[2 * node], tree[2 * node + 1]);
            }
        }
        return plan(items, p, order, windowOf, windows);
    }

    /** Smallest set bit at or above {@code from} and at most {@code max}, or -1. */
    private static int nextSetBit(long[] bits, int from, int max) {
        int word = from >>> 6;
        long w = bits[word] & (-1L << from);
        while (true) {
            if (w != 0) {
                int r = (word << 6) + Long.numberOfTrailingZeros(w);
                return r <= max ? r : -1;
            }
            if (++word == bits.length) {
                return -1;
            }
            w = bits[word];
        }
    }

    /** Pieces in placement order grouped by window, and the report. */
    private PackPlan plan(List<PackItem> items, Pieces p, int[] order, int[] windowOf, int windows) {
        int n = p.size;
        int[] windowStart = new int[windows + 1];
        for (int i = 0; i < n; i++) {
            windowStart[windowOf[i] + 1]++;
        }
        for (int w = 0; w < windows; w++) {
            windowStart[w + 1] += windowStart[w];
        }
        int[] fillAt = Arrays.copyOf(windowStart, windows);
        int[] item = new int[n];
        int[] from = new int[n];
        int[] length = new int[n];
        long[] byCategory = new long[Category.values().length];
        long real = 0;
        long image = 0;
        for (int o = 0; o < n; o++) {
            int piece = order[o];
            int s = fillAt[windowOf[piece]]++;
            item[s] = p.item[piece];
            from[s] = p.from[piece];
            length[s] = p.length[piece];
            PackItem it = items.get(p.item[piece]);
            real += p.length[piece];
            byCategory[it.category().ordinal()] += p.length[piece];
            if (it.imageBlocks().length > 0) {
                image += it.imageCodesIn(p.from[piece], p.from[piece] + p.length[piece]);
            }
        }
        Map<Category, Long> cat = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            cat.put(c, byCategory[c.ordinal()]);
        }
        PackReport report = new PackReport(capacity, windows, real, p.dropped, cat, image);
        return new PackPlan(List.copyOf(items), capacity, windowStart, item, from, length, report);
    }

    /** Turns items into pieces that fit, applying the oversize policy. */
    private Pieces split(List<PackItem> items) {
        Pieces p = new Pieces(items.size());
        for (int i = 0; i < items.size(); i++) {
            PackItem it = items.get(i);
            if (it.length() <= capacity) {
                p.add(i, 0, it.length());
            } else if (policy == OversizePolicy.FAIL) {
                throw new IllegalArgumentException("example " + it.id() + " has " + it.length()
                        + " tokens, more than the pack window of " + capacity + "; raise the window, shorten the example,"
                        + " or set the oversize policy to DROP (leave it out, reported) or CUT_AT_TURN (split at turns)");
            } else if (policy == OversizePolicy.DROP) {
                p.dropped.add(new PackReport.Dropped(it.id(), 0, it.length()));
            } else {
                cut(i, it, p);
            }
        }
        return p;
    }

    /** Greedy cut at the last turn boundary that fits; a stretch between boundaries longer than the window is dropped. */
    private void cut(int index, PackItem it, Pieces p) {
        int[] cuts = it.cuts();
        int start = 0;
        int k = 0;
        while (start < it.length()) {
            int best = -1;
            if (it.length() - start <= capacity) {
                best = it.length();
                k = cuts.length;
            }
            while (k < cuts.length && cuts[k] - start <= capacity) {
                best = cuts[k++];
            }
            if (best > start) {
                p.add(index, start, best - start);
                start = best;
            } else {
                int end = k < cuts.length ? cuts[k++] : it.length();
                p.dropped.add(new PackReport.Dropped(it.id(), start, end - start));
                start = end;
            }
        }
    }

    /** Growable columns of (item index, first position, length). */
    private static final class Pieces {
        int[] item;
        int[] from;
        int[] length;
        int size;
        final List<PackReport.Dropped> dropped = new ArrayList<>();

        Pieces(int expected) {
            int n = Math.max(16, expected);
            item = new int[n];
            from = new int[n];
            length = new int[n];
        }

        void add(int i, int f, int len) {
            if (size == item.length) {
                item = Arrays.copyOf(item, size * 2);
                from = Arrays.copyOf(from, size * 2);
                length = Arrays.copyOf(length, size * 2);
            }
            item[size] = i;
            from[size] = f;
            length[size] = len;
            size++;
        }
    }
}
