package dev.chameleon.workbench.trainer.tokens.text;

import java.util.Arrays;

/**
 * Open-addressing map from non-negative long keys to long values, without boxing: the merge table of the
 * encoder and the pair counts of the trainer are read millions of times a second.
 */
final class LongLongMap {

    private static final long EMPTY = -1L;

    private long[] keys;
    private long[] values;
    private int mask;
    private int size;

    LongLongMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new long[cap];
        Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    static int left(long pair) {
        return (int) (pair >>> 32);
    }

    static int right(long pair) {
        return (int) pair;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    int size() {
        return size;
    }

    long get(long key, long missing) {
        int i = slot(key, mask);
        while (true) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == EMPTY) {
                return missing;
            }
            i = (i + 1) & mask;
        }
    }

    void put(long key, long value) {
        int i = find(key);
        values[i] = value;
    }

    /** Adds {@code delta} to the value of {@code key} (0 when absent) and returns the sum. */
    long add(long key, long delta) {
        int i = find(key);
        return values[i] += delta;
    }

    /** The slot of {@code key}, inserting it with value 0 when absent. */
    private int find(long key) {
        int i = slot(key, mask);
        while (true) {
            long k = keys[i];
            if (k == key) {
                return i;
            }
            if (k == EMPTY) {
                if (size + 1 > (mask + 1) / 2) {
                    grow();
                    return find(key);
                }
                keys[i] = key;
                values[i] = 0;
                size++;
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        int cap = oldKeys.length * 2;
        keys = new long[cap];
        values = new long[cap];
        Arrays.fill(keys, EMPTY);
        mask = cap - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != EMPTY) {
                int i = slot(oldKeys[j], mask);
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    /** Calls {@code visitor} for every entry, in slot order. */
    void forEach(Visitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                visitor.visit(keys[i], values[i]);
            }
        }
    }

    interface Visitor {
        void visit(long key, long value);
    }
}
