package dev.chameleon.workbench.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for the tokens a decoder has already seen, so each new token costs one
 * position instead of the whole sequence (incremental decoding, {@link ChameleonModel#forwardCached}).
 *
 * <p>Per layer: keys and values in buffers (B, KV, capacity, hd), keys after QK-norm and RoPE, before the
 * grouped-query repeat; new positions are written in place and attention reads a view of the first T_past + T,
 * so a step copies only its own keys, never the whole cache. The buffers live on the manager given to the
 * constructor (one per request), outside any step's {@link NDScope}; a full buffer is replaced by one twice as
 * large.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int batch;
    private int capacity;
    private int length;

    /**
     * An empty cache for {@code layers} layers, {@code batch} rows and up to {@code capacity} positions (it grows
     * past that if it must), its arrays kept on {@code manager}.
     */
    public KvCache(NDManager manager, int layers, int batch, int capacity) {
        this.manager = manager;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.batch = batch;
        this.capacity = Math.max(1, capacity);
    }

    /** Positions held (T_past), the same for every row (left padding counts). */
    public int length() {
        return length;
    }

    public int batch() {
        return batch;
    }

    /**
     * Writes the new keys and values k, v (B, KV, T, hd) of {@code layer} after the cached ones and returns views
     * of all of them: {keys, values} as (B, KV, T_past + T, hd) each.
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        long t = k.getShape().get(2);
        int end = (int) (length + t);
        if (keys[layer] == null || end > keys[layer].getShape().get(2)) {
            while (end > capacity) {
                capacity *= 2;
            }
            keys[layer] = grow(keys[layer], k);
            values[layer] = grow(values[layer], v);
        }
        NDIndex slot = new NDIndex(":, :, {}:{}", length, end);
        keys[layer].set(slot, k);                                                // (B, KV, capacity, hd) in place
        values[layer].set(slot, v);                                              // (B, KV, capacity, hd) in place
        NDIndex upTo = new NDIndex(":, :, :{}", end);
        return new NDArray[] {keys[layer].get(upTo), values[layer].get(upTo)};   // (B, KV, T_past + T, hd) x2
    }

    /** A buffer (B, KV, capacity, hd) holding what {@code old} held. */
    private NDArray grow(NDArray old, NDArray like) {
        Shape s = like.getShape();
        NDArray buffer = manager.zeros(new Shape(s.get(0), s.get(1), capacity, s.get(3)), like.getDataType()); // (B, KV, capacity, hd)
        NDScope.unregister(buffer);
        if (old != null) {
            buffer.set(new NDIndex(":, :, :{}", length), old.get(new NDIndex(":, :, :{}", length))); // (B, KV, T_past, hd)
            old.close();
        }
        return buffer;
    }

    /** Called once per forward, after every layer appended {@code t} positions. */
    void advance(long t) {
        length += (int) t;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                keys[i].close();
                values[i].close();
                keys[i] = null;
                values[i] = null;
            }
        }
        length = 0;
    }
}
