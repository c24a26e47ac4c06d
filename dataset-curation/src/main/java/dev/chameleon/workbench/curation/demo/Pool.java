package dev.chameleon.workbench.curation.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A task's items, shuffled once and split into a train part and a held-out part that never overlap.
 *
 * <p>Each part is handed out in order and starts over when used up, so a dataset larger than a pool
 * repeats items rather than failing; at the default size no pool wraps.
 */
final class Pool<T> {

    private final List<T> train;
    private final List<T> heldOut;
    private int nextTrain;
    private int nextHeldOut;

    private Pool(List<T> train, List<T> heldOut) {
        this.train = train;
        this.heldOut = heldOut;
    }

    /** Shuffles the items and keeps the first {@code heldOutCount} apart for checking. */
    static <T> Pool<T> split(List<T> items, int heldOutCount, Random rnd) {
        List<T> all = new ArrayList<>(items);
        Collections.shuffle(all, rnd);
        return new Pool<>(List.copyOf(all.subList(heldOutCount, all.size())),
                List.copyOf(all.subList(0, heldOutCount)));
    }

    /** Keeps the given parts, each shuffled. */
    static <T> Pool<T> of(List<T> train, List<T> heldOut, Random rnd) {
        List<T> t = new ArrayList<>(train);
        List<T> h = new ArrayList<>(heldOut);
        Collections.shuffle(t, rnd);
        Collections.shuffle(h, rnd);
        return new Pool<>(List.copyOf(t), List.copyOf(h));
    }

    /** A pool for checking only: seen items re-asked in a new way (a new picture, a new phrasing). */
    static <T> Pool<T> heldOutOnly(List<T> items, Random rnd) {
        return of(List.of(), items, rnd);
    }

    T nextTrain() {
        if (train.isEmpty()) {
            throw new IllegalStateException("this pool keeps no train items");
        }
        T item = train.get(nextTrain % train.size());
        nextTrain++;
        return item;
    }

    T nextHeldOut() {
        if (heldOut.isEmpty()) {
            throw new IllegalStateException("this pool keeps no held-out items");
        }
        T item = heldOut.get(nextHeldOut % heldOut.size());
        nextHeldOut++;
        return item;
    }
}
