package dev.chameleon.workbench.trainer.tokens.text;

import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Byte-level BPE text tokenizer over the joint text-and-image vocabulary, id-for-id compatible with the
 * Hugging Face {@code tokenizers} library on the tokenizer.json it writes.
 *
 * <p>Encoding: {@link PreTokenizer} splits the text, each pre-token becomes WTF-8 bytes (see
 * {@link ByteLevel}: lone surrogates survive), and BPE applies the lowest-ranked merge first, leftmost on ties,
 * as the Rust library does. Special and image ids are never produced from text: a literal {@code "<s>"} in the
 * text is three text tokens' worth of characters, not BOS (the Rust library would match it as an added token;
 * that is the one intended difference). Decoding skips special and image ids and restores the text exactly.
 *
 * <p>The hot loop allocates nothing per token: pre-tokens are hashed straight from their bytes into a word
 * cache held in final arrays, and all scratch buffers are fields that only grow. The one allocation per call is
 * the returned array. Instances are safe to share; calls are serialised, so give each thread its own copy
 * ({@link #load}) when encoding in parallel.
 */
public final class BpeTokenizer implements TextTokenizer {

    /** Words longer than this many bytes bypass the cache (long runs are rare and would crowd it). */
    private static final int CACHE_MAX_WORD = 48;
    private static final int CACHE_ENTRIES = 1 << 17;
    private static final int CACHE_SLOTS = CACHE_ENTRIES * 2;
    private static final int CACHE_KEY_BYTES = CACHE_ENTRIES * 12;
    private static final int CACHE_IDS = CACHE_ENTRIES * 4;

    private final VocabularyLayout layout;
    /** tokenizer.json content of every id (null for ids the file does not name). */
    private final String[] names;
    /** Bytes of every text id; null for special, image and unnamed ids. */
    private final byte[][] tokenBytes;
    private final int[] byteToken = new int[256];
    private final int[] mergeLeft;
    private final int[] mergeRight;
    private final int[] mergeResult;
    /** pair(left, right) -> rank << 32 | result. */
    private final LongLongMap mergeTable;

    // Scratch, reused by every call (hence the synchronized methods).
    private byte[] word = new byte[256];
    private int[] sym = new int[256];
    private int[] prev = new int[256];
    private int[] next = new int[256];
    private long[] heap = new long[256];
    private int[] out = new int[1024];
    private int outLen;
    private byte[] decodeBytes = new byte[1024];
    private char[] decodeChars = new char[1024];

    // Word cache: open addressing over entry numbers; keys and ids live in flat arenas.
    private final int[] cacheSlots = new int[CACHE_SLOTS];
    private final int[] cacheHash = new int[CACHE_ENTRIES];
    private final int[] cacheKeyOff = new int[CACHE_ENTRIES];
    private final int[] cacheKeyLen = new int[CACHE_ENTRIES];
    private final int[] cacheIdOff = new int[CACHE_ENTRIES];
    private final int[] cacheIdLen = new int[CACHE_ENTRIES];
    private final byte[] cacheKeys = new byte[CACHE_KEY_BYTES];
    private final int[] cacheIds = new int[CACHE_IDS];
    private int cacheCount;
    private int cacheKeyEnd;
    private int cacheIdEnd;

    /**
     * @param names      tokenizer.json content per id, {@code layout.size()} long
     * @param tokenBytes bytes per text id, null for the others
     * @param merges     merges in rank order as (left, right, result) triples
     */
    BpeTokenizer(VocabularyLayout layout, String[] names, byte[][] tokenBytes, int[] merges) {
        if (names.length != layout.size() || tokenBytes.length != layout.size()) {
            throw new IllegalArgumentException("names and token bytes must cover the " + layout.size() + " ids");
        }
        this.layout = layout;
        this.names = names;
        this.tokenBytes = tokenBytes;
        Arrays.fill(byteToken, -1);
        for (int id = 0; id < tokenBytes.length; id++) {
            byte[] b = tokenBytes[id];
            if (b != null && b.length == 1 && byteToken[b[0] & 0xFF] < 0) {
                byteToken[b[0] & 0xFF] = id;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (byteToken[b] < 0) {
                throw new IllegalArgumentException("vocabulary has no token for byte 0x" + Integer.toHexString(b)
                        + " ('" + ByteLevel.BYTE_TO_CHAR[b] + "'); a byte-level BPE needs all 256 byte tokens");
            }
        }
        int count = merges.length / 3;
        mergeLeft = new int[count];
        mergeRight = new int[count];
        mergeResult = new int[count];
        mergeTable = new LongLongMap(count);
        for (int r = 0; r < count; r++) {
            mergeLeft[r] = merges[3 * r];
            mergeRight[r] = merges[3 * r + 1];
            mergeResult[r] = merges[3 * r + 2];
            long key = LongLongMap.pair(mergeLeft[r], mergeRight[r]);
            if (mergeTable.get(key, -1) < 0) { // the first (lowest-ranked) copy of a duplicated merge wins
                mergeTable.put(key, ((long) r << 32) | mergeResult[r]);
            }
        }
    }

    /** Loads a byte-level BPE tokenizer.json (our own or a Chameleon-style one with IMGIMG image tokens). */
    public static BpeTokenizer load(Path tokenizerJson) throws IOException {
        return TokenizerJson.read(tokenizerJson);
    }

    /** Writes this tokenizer as a Hugging Face tokenizer.json that DJL and {@code tokenizers} load. */
    public void save(Path tokenizerJson) throws IOException {
        TokenizerJson.write(this, tokenizerJson);
    }

    @Override
    public VocabularyLayout layout() {
        return layout;
    }

    /** Number of learned merges. */
    public int mergeCount() {
        return mergeLeft.length;
    }

    @Override
    public synchronized int[] encode(String text) {
        outLen = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            int j = PreTokenizer.next(text, i, n);
            encodeWord(text, i, j);
            i = j;
        }
        return Arrays.copyOf(out, outLen);
    }

    private void encodeWord(CharSequence text, int from, int to) {
        int max = ByteLevel.maxBytes(to - from);
        if (word.length < max) {
            word = new byte[Math.max(max, word.length * 2)];
        }
        int len = ByteLevel.encode(text, from, to, word);
        if (len == 1) {
            emit(byteToken[word[0] & 0xFF]);
            return;
        }
        if (len > CACHE_MAX_WORD) {
            bpe(len);
            return;
        }
        int h = 0x811C9DC5;
        for (int k = 0; k < len; k++) {
            h = (h ^ word[k]) * 0x01000193;
        }
        int slot = h & (CACHE_SLOTS - 1);
        while (true) {
            int e = cacheSlots[slot] - 1;
            if (e < 0) {
                break;
            }
            if (cacheHash[e] == h && cacheKeyLen[e] == len
                    && Arrays.equals(cacheKeys, cacheKeyOff[e], cacheKeyOff[e] + len, word, 0, len)) {
                int off = cacheIdOff[e];
                int cnt = cacheIdLen[e];
                ensureOut(cnt);
                System.arraycopy(cacheIds, off, out, outLen, cnt);
                outLen += cnt;
                return;
            }
            slot = (slot + 1) & (CACHE_SLOTS - 1);
        }
        int start = outLen;
        bpe(len);
        int cnt = outLen - start;
        if (cacheCount == CACHE_ENTRIES || cacheKeyEnd + len > CACHE_KEY_BYTES || cacheIdEnd + cnt > CACHE_IDS) {
            // Full: start over rather than track recency; refilling costs one BPE run per word.
            Arrays.fill(cacheSlots, 0);
            cacheCount = 0;
            cacheKeyEnd = 0;
            cacheIdEnd = 0;
            slot = h & (CACHE_SLOTS - 1);
            while (cacheSlots[slot] != 0) {
                slot = (slot + 1) & (CACHE_SLOTS - 1);
            }
        }
        int e = cacheCount++;
        cacheHash[e] = h;
        cacheKeyOff[e] = cacheKeyEnd;
        cacheKeyLen[e] = len;
        System.arraycopy(word, 0, cacheKeys, cacheKeyEnd, len);
        cacheKeyEnd += len;
        cacheIdOff[e] = cacheIdEnd;
        cacheIdLen[e] = cnt;
        System.arraycopy(out, start, cacheIds, cacheIdEnd, cnt);
        cacheIdEnd += cnt;
        cacheSlots[slot] = e + 1;
    }

    /**
     * BPE over {@code word[0, len)}, appending ids to {@code out}: a min-heap of (rank, position) with lazy
     * invalidation, the same order of merges as the Rust library (lowest rank first, leftmost on ties).
     */
    private void bpe(int len) {
        if (sym.length < len) {
            int cap = Math.max(len, sym.length * 2);
            sym = new int[cap];
            prev = new int[cap];
            next = new int[cap];
            heap = new long[cap];
        }
        for (int k = 0; k < len; k++) {
            sym[k] = byteToken[word[k] & 0xFF];
            prev[k] = k - 1;
            next[k] = k + 1;
        }
        next[len - 1] = -1;
        int heapSize = 0;
        for (int k = 0; k + 1 < len; k++) {
            long m = mergeTable.get(LongLongMap.pair(sym[k], sym[k + 1]), -1);
            if (m >= 0) {
                heapSize = push(heapSize, (m & 0xFFFFFFFF00000000L) | k);
            }
        }
        while (heapSize > 0) {
            long top = heap[0];
            heapSize = pop(heapSize);
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            int right = next[pos];
            if (sym[pos] < 0 || right < 0) {
                continue;
            }
            long m = mergeTable.get(LongLongMap.pair(sym[pos], sym[right]), -1);
            if (m < 0 || (int) (m >>> 32) != rank) {
                continue; // stale: one side has been merged since this entry was pushed
            }
            sym[pos] = (int) m;
            sym[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) {
                prev[after] = pos;
                long mm = mergeTable.get(LongLongMap.pair(sym[pos], sym[after]), -1);
                if (mm >= 0) {
                    heapSize = push(heapSize, (mm & 0xFFFFFFFF00000000L) | pos);
                }
            }
            int before = prev[pos];
            if (before >= 0) {
                long mm = mergeTable.get(LongLongMap.pair(sym[before], sym[pos]), -1);
                if (mm >= 0) {
                    heapSize = push(heapSize, (mm & 0xFFFFFFFF00000000L) | before);
                }
            }
        }
        ensureOut(len);
        for (int k = 0; k >= 0; k = next[k]) {
            out[outLen++] = sym[k];
        }
    }

    private int push(int size, long v) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int k = size;
        while (k > 0) {
            int parent = (k - 1) >>> 1;
            if (heap[parent] <= v) {
                break;
            }
            heap[k] = heap[parent];
            k = parent;
        }
        heap[k] = v;
        return size + 1;
    }

    private int pop(int size) {
        long last = heap[--size];
        int k = 0;
        while (true) {
            int c = 2 * k + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && heap[c + 1] < heap[c]) {
                c++;
            }
            if (heap[c] >= last) {
                break;
            }
            heap[k] = heap[c];
            k = c;
        }
        if (size > 0) {
            heap[k] = last;
        }
        return size;
    }

    private void emit(int id) {
        ensureOut(1);
        out[outLen++] = id;
    }

    private void ensureOut(int more) {
        if (outLen + more > out.length) {
            out = Arrays.copyOf(out, Math.max(outLen + more, out.length * 2));
        }
    }

    @Override
    public synchronized String decode(int[] ids) {
        int total = 0;
        for (int id : ids) {
            byte[] b = bytesOf(id);
            if (b != null) {
                total += b.length;
            }
        }
        if (decodeBytes.length < total) {
            decodeBytes = new byte[Math.max(total, decodeBytes.length * 2)];
        }
        int n = 0;
        for (int id : ids) {
            byte[] b = bytesOf(id);
            if (b != null) {
                System.arraycopy(b, 0, decodeBytes, n, b.length);
                n += b.length;
            }
        }
        if (decodeChars.length < n) {
            decodeChars = new char[Math.max(n, decodeChars.length * 2)];
        }
        return new String(decodeChars, 0, ByteLevel.decode(decodeBytes, n, decodeChars));
    }

    private byte[] bytesOf(int id) {
        if (id < 0 || id >= tokenBytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + tokenBytes.length
                    + " ids; was the sequence made with another tokenizer?");
        }
        return tokenBytes[id];
    }

    @Override
    public String tokenName(int id) {
        if (id < 0 || id >= names.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + names.length + " ids");
        }
        if (layout.isImageCode(id)) {
            return "IMG" + layout.imageCode(id);
        }
        return names[id] != null ? names[id] : "<unnamed" + id + ">";
    }

    /** True for ids that stand for text bytes (what {@link #encode} can emit). */
    public boolean isText(int id) {
        return id >= 0 && id < tokenBytes.length && tokenBytes[id] != null;
    }

    // Package-private views for tokenizer.json.

    String name(int id) {
        return names[id];
    }

    byte[] tokenBytes(int id) {
        return tokenBytes[id];
    }

    int mergeLeft(int rank) {
        return mergeLeft[rank];
    }

    int mergeRight(int rank) {
        return mergeRight[rank];
    }
}
