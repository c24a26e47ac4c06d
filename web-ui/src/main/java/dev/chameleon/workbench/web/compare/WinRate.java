package dev.chameleon.workbench.web.compare;

/**
 * The pairwise record of contender {@code a} against {@code b} over every stored rating of the pair, in either
 * order: win rate = (wins + ties / 2) / ratings (docs/chameleon.md#human-ratings-and-win-rate).
 *
 * @param a       one contender (the alphabetically first)
 * @param b       the other
 * @param aWins   ratings where a's answer was better
 * @param ties    ratings judged equal
 * @param bWins   ratings where b's answer was better
 * @param aFulfils ratings where a's answer fully fulfilled the task
 * @param bFulfils ratings where b's answer fully fulfilled the task
 */
record WinRate(String a, String b, int aWins, int ties, int bWins, int aFulfils, int bFulfils) {

    public int ratings() {
        return aWins + ties + bWins;
    }

    /** a's win rate in [0, 1]: (wins + ties / 2) / ratings. */
    public double aWinRate() {
        return ratings() == 0 ? 0 : (aWins + ties / 2.0) / ratings();
    }
}
