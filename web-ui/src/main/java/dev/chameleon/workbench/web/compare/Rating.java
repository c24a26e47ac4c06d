package dev.chameleon.workbench.web.compare;

import java.util.List;

/**
 * One human judgement of a side-by-side pair (docs/chameleon.md#evaluation): which answer is better, and
 * whether each fulfils the task. One line of {@code WORKSPACE/ratings/ratings.jsonl}.
 *
 * @param time       when it was recorded (ISO-8601, UTC)
 * @param prompt     the prompt text
 * @param promptImage the attached image's file name, or null
 * @param mode       TEXT, IMAGE or INTERLEAVED
 * @param seed       the seed both sides sampled with
 * @param left       the left answer
 * @param right      the right answer
 * @param preference which is better
 */
record Rating(String time, String prompt, String promptImage, String mode, long seed, Side left, Side right,
                     Preference preference) {

    /** The pairwise verdict: win, tie or loss from the left's point of view. */
    public enum Preference { LEFT, TIE, RIGHT }

    /** Whether an answer does what the prompt asked. */
    public enum Fulfilment { FULFILS, PARTIALLY, DOES_NOT }

    /**
     * One side of the pair.
     *
     * @param checkpoint     the checkpoint's label ("RUN @ step N")
     * @param checkpointPath its folder
     * @param settings       the settings it sampled with ("temperature 0.7, top-p 0.9, ...")
     * @param temperature    sampling temperature
     * @param topP           nucleus threshold
     * @param topK           top-k (0 = off)
     * @param repetitionPenalty text repetition penalty
     * @param guidanceText   image guidance weight of the text condition
     * @param guidanceImage  image guidance weight of the image condition
     * @param maxNewTokens   token budget
     * @param text           the answer's text
     * @param images         how many images the answer held
     * @param stopReason     why it stopped
     * @param fulfils        the rater's fulfilment verdict
     */
    public record Side(String checkpoint, String checkpointPath, String settings, double temperature, double topP,
                       int topK, double repetitionPenalty, double guidanceText, double guidanceImage, int maxNewTokens,
                       String text, int images, String stopReason, Fulfilment fulfils) {
    }

    /**
     * The name a side competes under in the win rates: its checkpoint, or when both sides share a checkpoint,
     * the checkpoint and the settings (then the settings are what is compared).
     */
    public List<String> contenders() {
        if (left.checkpointPath().equals(right.checkpointPath())) {
            return List.of(left.checkpoint() + " [" + left.settings() + "]",
                    right.checkpoint() + " [" + right.settings() + "]");
        }
        return List.of(left.checkpoint(), right.checkpoint());
    }
}
