package dev.chameleon.workbench.trainer.pack;

import dev.chameleon.workbench.curation.model.Category;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a packing achieved: windows used, real tokens placed, what was left out and the token share by category and
 * by modality.
 *
 * @param capacity         tokens per window
 * @param windows          windows used
 * @param realTokens       tokens of examples placed (padding excluded)
 * @param dropped          examples, or pieces of examples, left out for being longer than the window
 * @param tokensByCategory placed tokens per category (every category present, zero when none)
 * @param imageTokens      placed image-code tokens; every other placed token counts as text
 */
public record PackReport(int capacity, int windows, long realTokens, List<Dropped> dropped,
                         Map<Category, Long> tokensByCategory, long imageTokens) {

    /**
     * One example, or one stretch of an example between two turn boundaries, left out.
     *
     * @param id     the example's {@link PackItem#id()}
     * @param from   first position of the stretch left out (0 for a whole example)
     * @param length its tokens
     */
    public record Dropped(int id, int from, int length) {
    }

    public PackReport {
        dropped = List.copyOf(dropped);
        tokensByCategory = Collections.unmodifiableMap(new EnumMap<>(tokensByCategory));
    }

    /** Real tokens over window capacity summed over all windows; 0 when there are no windows. */
    public double fillRatio() {
        return windows == 0 ? 0.0 : (double) realTokens / ((long) windows * capacity);
    }

    /** Placed tokens that are not image codes (text, role headers and special tokens). */
    public long textTokens() {
        return realTokens - imageTokens;
    }

    /** Share of placed tokens in one category, in [0, 1]. */
    public double categoryShare(Category c) {
        return realTokens == 0 ? 0.0 : (double) tokensByCategory.getOrDefault(c, 0L) / realTokens;
    }

    /** Share of placed tokens that are image codes, in [0, 1]. */
    public double imageShare() {
        return realTokens == 0 ? 0.0 : (double) imageTokens / realTokens;
    }

    /** Tokens left out, summed over {@link #dropped()}. */
    public long droppedTokens() {
        long n = 0;
        for (Dropped d : dropped) {
            n += d.length();
        }
        return n;
    }

    /** One line for logs: windows, fill, dropped, modality share. */
    public String summary() {
        return String.format(Locale.ROOT, "%d windows of %d, fill %.4f%%, %d tokens placed (%.1f%% image), %d dropped (%d tokens)",
                windows, capacity, 100 * fillRatio(), realTokens, 100 * imageShare(), dropped.size(), droppedTokens());
    }
}
