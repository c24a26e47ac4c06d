package dev.chameleon.workbench.trainer.cli;

import java.util.Arrays;

/** Lists of ids and codes as the commands print and read them: integers separated by spaces, commas or lines. */
final class Codes {

    private Codes() {
    }

    static String join(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 5);
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(ids[i]);
        }
        return sb.toString();
    }

    /**
     * Parses integers separated by whitespace, commas or brackets (so a JSON array works too).
     *
     * @throws IllegalArgumentException naming the first bad item and its position
     */
    static int[] parse(String s, String what) {
        String[] items = s.trim().split("[\\s,\\[\\]]+");
        int[] out = new int[items.length];
        int n = 0;
        for (String item : items) {
            if (item.isEmpty()) {
                continue;
            }
            try {
                out[n++] = Integer.parseInt(item);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " item " + n + " '" + item + "' is not an integer");
            }
        }
        return Arrays.copyOf(out, n);
    }
}
