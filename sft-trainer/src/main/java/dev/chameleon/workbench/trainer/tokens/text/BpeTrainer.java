package dev.chameleon.workbench.trainer.tokens.text;

import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;

/**
 * Learns a byte-level BPE vocabulary laid out per a {@link VocabularyLayout}: the ids below
 * {@code layout.textStart()} keep their special and image roles, then come the 256 byte tokens (byte b at
 * {@code textStart + b}) and the learned merges up to {@code layout.size()}.
 *
 * <pre>
 *   BpeTrainer trainer = new BpeTrainer(VocabularyLayout.standard(32_000, 8192, 8));
 *   trainer.addFile(Path.of("corpus.txt"));          // streams; .gz is read transparently
 *   BpeTokenizer tokenizer = trainer.train();
 * </pre>
 *
 * <p>Speed comes from doing each thing once. Text is streamed and only pre-token (word) frequencies are kept,
 * hashed straight from the characters. Merging then works on unique words: pair counts and a pair-to-words
 * index are built once and updated incrementally after each merge (only the words holding the merged pair
 * are touched), and the next pair comes from a max-heap whose stale entries are re-queued when popped.
 * The corpus is never recounted. Ties go to the smaller (left id, right id), so training is deterministic.
 */
public final class BpeTrainer {

    /** Progress of a phase ("count" in chars, "merge" in merges). */
    @FunctionalInterface
    public interface Progress {
        void report(String phase, long done, long total);
    }

    private static final int BLOCK = 1 << 20;

    private final VocabularyLayout layout;
    private int minFrequency = 2;
    private Progress progress = (phase, done, total) -> { };
    private BooleanSupplier cancelled = () -> false;

    // Word counts: open addressing over word numbers, word characters in one arena.
    private char[] arena = new char[1 << 16];
    private int arenaEnd;
    private int[] slots = new int[1 << 16];
    private int[] wordStart = new int[1 << 15];
    private int[] wordLen = new int[1 << 15];
    private int[] wordHash = new int[1 << 15];
    private long[] wordCount = new long[1 << 15];
    private int words;
    private long charsSeen;

    public BpeTrainer(VocabularyLayout layout) {
        if (layout.size() - layout.textStart() < 256) {
            throw new IllegalArgumentException("layout leaves " + (layout.size() - layout.textStart())
                    + " text ids; byte-level BPE needs at least 256 (raise the vocabulary size)");
        }
        this.layout = layout;
    }

    /** Pairs seen fewer times than this are never merged (default 2). */
    public BpeTrainer minFrequency(int minFrequency) {
        if (minFrequency < 1) {
            throw new IllegalArgumentException("minFrequency must be at least 1, got " + minFrequency);
        }
        this.minFrequency = minFrequency;
        return this;
    }

    public BpeTrainer progress(Progress progress) {
        this.progress = progress;
        return this;
    }

    /** Checked between blocks and merges; when it turns true, the running call throws CancellationException. */
    public BpeTrainer cancelWhen(BooleanSupplier cancelled) {
        this.cancelled = cancelled;
        return this;
    }

    /** Counts the pre-tokens of one text (one document: pre-tokens never span two calls). */
    public void addText(CharSequence text) {
        countWords(text, 0, text.length());
        charsSeen += text.length();
    }

    /** Streams a UTF-8 text file ({@code .gz} decompressed), counting its pre-tokens; bad bytes become U+FFFD. */
    public void addFile(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE))) {
            char[] buf = new char[BLOCK];
            CharSequence view = java.nio.CharBuffer.wrap(buf);
            int len = 0;
            while (true) {
                int read = r.read(buf, len, buf.length - len);
                if (read < 0) {
                    countWords(view, 0, len);
                    charsSeen += len;
                    return;
                }
                len += read;
                if (len < buf.length) {
                    continue;
                }
                int cut = safeCut(buf, len);
                countWords(view, 0, cut);
                charsSeen += cut;
                System.arraycopy(buf, cut, buf, 0, len - cut);
                len -= cut;
                checkCancelled();
                progress.report("count", charsSeen, -1);
            }
        }
    }

    /**
     * A split point where pre-tokenizing both halves gives the same pre-tokens as the whole: just after a
     * newline that has non-space on both sides (the newline then stands alone either way).
     */
    private static int safeCut(char[] buf, int len) {
        for (int k = len - 2; k > 0; k--) {
            if (buf[k] == '\n' && !PreTokenizer.isSpace(buf[k - 1]) && !PreTokenizer.isSpace(buf[k + 1])
                    && !Character.isSurrogate(buf[k + 1])) {
                return k + 1;
            }
        }
        return len; // no newline in a whole block: split anyway, at worst one pre-token is cut in two
    }

    private void countWords(CharSequence s, int from, int to) {
        int i = from;
        while (i < to) {
            int j = PreTokenizer.next(s, i, to);
            count(s, i, j);
            i = j;
        }
    }

    private void count(CharSequence s, int from, int to) {
        int len = to - from;
        int h = 0x811C9DC5;
        for (int k = from; k < to; k++) {
            h = (h ^ s.charAt(k)) * 0x01000193;
        }
        int mask = slots.length - 1;
        int slot = h & mask;
        while (true) {
            int w = slots[slot] - 1;
            if (w < 0) {
                break;
            }
            if (wordHash[w] == h && wordLen[w] == len && same(s, from, wordStart[w], len)) {
                wordCount[w]++;
                return;
            }
            slot = (slot + 1) & mask;
        }
        if (arenaEnd + len > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arenaEnd + len, arena.length * 2));
        }
        for (int k = 0; k < len; k++) {
            arena[arenaEnd + k] = s.charAt(from + k);
        }
        if (words == wordStart.length) {
            int cap = words * 2;
            wordStart = Arrays.copyOf(wordStart, cap);
            wordLen = Arrays.copyOf(wordLen, cap);
            wordHash = Arrays.copyOf(wordHash, cap);
            wordCount = Arrays.copyOf(wordCount, cap);
        }
        int w = words++;
        wordStart[w] = arenaEnd;
        wordLen[w] = len;
        wordHash[w] = h;
        wordCount[w] = 1;
        arenaEnd += len;
        slots[slot] = w + 1;
        if (words * 2 > slots.length) {
            rehash();
        }
    }

    private boolean same(CharSequence s, int from, int start, int len) {
        for (int k = 0; k < len; k++) {
            if (s.charAt(from + k) != arena[start + k]) {
                return false;
            }
        }
        return true;
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        int mask = slots.length - 1;
        for (int w = 0; w < words; w++) {
            int slot = wordHash[w] & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = w + 1;
        }
    }

    /** Number of distinct pre-tokens counted so far. */
    public int distinctWords() {
        return words;
    }

    private void checkCancelled() {
        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new CancellationException("BPE training cancelled");
        }
    }

    /**
     * Learns merges until the layout's vocabulary is full or no pair reaches the minimum frequency; ids that
     * stay unlearned are named {@code <unusedNNNNN>} and never produced.
     */
    public BpeTokenizer train() {
        return new Merger().run();
    }

    /** The merge phase; its state lives only while it runs. */
    private final class Merger {
        final int textStart = layout.textStart();
        final int target = layout.size();
        // Word symbols in one arena; a word shrinks in place as merges apply.
        int[] syms;
        int[] off;
        int[] len;
        long[] cnt;
        int[] visited;
        int stamp;

        final LongLongMap pairCount = new LongLongMap(1 << 16);
        final LongLongMap whereIndex = new LongLongMap(1 << 16);
        int[][] where = new int[1 << 16][];
        int[] whereSize = new int[1 << 16];
        int lists;

        long[] heapCount = new long[1 << 16];
        long[] heapPair = new long[1 << 16];
        int heapSize;

        long[] touched = new long[64];
        int touchedSize;

        BpeTokenizer run() {
            checkCancelled();
            int n = words;
            off = new int[n];
            len = new int[n];
            cnt = new long[n];
            visited = new int[n];
            int total = 0;
            for (int w = 0; w < n; w++) {
                total += wordLen[w] * 3;
            }
            syms = new int[total];
            byte[] buf = new byte[256];
            CharSequence view = java.nio.CharBuffer.wrap(arena);
            int end = 0;
            for (int w = 0; w < n; w++) {
                int chars = wordLen[w];
                if (buf.length < ByteLevel.maxBytes(chars)) {
                    buf = new byte[ByteLevel.maxBytes(chars)];
                }
                int b = ByteLevel.encode(view, wordStart[w], wordStart[w] + chars, buf);
                off[w] = end;
                len[w] = b;
                cnt[w] = wordCount[w];
                for (int k = 0; k < b; k++) {
                    syms[end + k] = textStart + (buf[k] & 0xFF);
                }
                end += b;
            }
            for (int w = 0; w < n; w++) {
                int o = off[w];
                for (int k = 0; k + 1 < len[w]; k++) {
                    long p = LongLongMap.pair(syms[o + k], syms[o + k + 1]);
                    pairCount.add(p, cnt[w]);
                    addWhere(p, w);
                }
            }
            pairCount.forEach((p, c) -> push(c, p));

            String[] names = TokenizerJson.layoutNames(layout);
            Set<String> reserved = new HashSet<>(Arrays.asList(names).subList(0, textStart));
            byte[][] bytes = new byte[target][];
            Map<String, Integer> byName = new HashMap<>();
            for (int b = 0; b < 256; b++) {
                bytes[textStart + b] = new byte[] {(byte) b};
                names[textStart + b] = String.valueOf(ByteLevel.BYTE_TO_CHAR[b]);
                byName.put(names[textStart + b], textStart + b);
            }
            int nextId = textStart + 256;
            int[] merges = new int[3 * Math.max(16, target - nextId)];
            int mergeCount = 0;
            int goal = target - nextId;
            while (nextId < target && heapSize > 0) {
                long count = heapCount[0];
                long p = heapPair[0];
                pop();
                long actual = pairCount.get(p, 0);
                if (actual != count) {
                    if (actual > 0) {
                        push(actual, p);
                    }
                    continue;
                }
                if (count < minFrequency) {
                    break;
                }
                int a = LongLongMap.left(p);
                int b = LongLongMap.right(p);
                byte[] joined = new byte[bytes[a].length + bytes[b].length];
                System.arraycopy(bytes[a], 0, joined, 0, bytes[a].length);
                System.arraycopy(bytes[b], 0, joined, bytes[a].length, bytes[b].length);
                String name = names[a] + names[b];
                if (reserved.contains(name)) {
                    pairCount.put(p, 0); // spelling a special token's name would make tokenizer.json ambiguous
                    continue;
                }
                Integer existing = byName.get(name);
                int z;
                if (existing != null) {
                    z = existing; // reached before through another pair, as the Rust trainer also allows
                } else {
                    z = nextId++;
                    bytes[z] = joined;
                    names[z] = name;
                    byName.put(name, z);
                }
                if (3 * mergeCount + 3 > merges.length) {
                    merges = Arrays.copyOf(merges, merges.length * 2);
                }
                merges[3 * mergeCount] = a;
                merges[3 * mergeCount + 1] = b;
                merges[3 * mergeCount + 2] = z;
                mergeCount++;
                apply(p, a, b, z);
                if ((mergeCount & 255) == 0) {
                    checkCancelled();
                    progress.report("merge", nextId - textStart - 256, goal);
                }
            }
            progress.report("merge", nextId - textStart - 256, goal);
            for (int id = nextId; id < target; id++) {
                names[id] = String.format("<unused%05d>", id);
            }
            return new BpeTokenizer(layout, names, bytes, Arrays.copyOf(merges, 3 * mergeCount));
        }

        /** Replaces every (a, b) in the words that hold it by z, moving the neighbouring pair counts. */
        void apply(long p, int a, int b, int z) {
            long idx = whereIndex.get(p, -1);
            pairCount.put(p, 0);
            if (idx < 0) {
                return;
            }
            int[] list = where[(int) idx];
            int size = whereSize[(int) idx];
            where[(int) idx] = null;
            if (list == null) {
                return;
            }
            stamp++;
            touchedSize = 0;
            for (int t = 0; t < size; t++) {
                int w = list[t];
                if (visited[w] == stamp) {
                    continue;
                }
                visited[w] = stamp;
                int o = off[w];
                int n = len[w];
                long c = cnt[w];
                int i = 0;
                int j = 0;
                while (i < n) {
                    if (i + 1 < n && syms[o + i] == a && syms[o + i + 1] == b) {
                        if (j > 0) {
                            int before = syms[o + j - 1];
                            pairCount.add(LongLongMap.pair(before, a), -c);
                            gain(LongLongMap.pair(before, z), c, w);
                        }
                        if (i + 2 < n) {
                            int after = syms[o + i + 2];
                            pairCount.add(LongLongMap.pair(b, after), -c);
                            gain(LongLongMap.pair(z, after), c, w);
                        }
                        syms[o + j++] = z;
                        i += 2;
                    } else {
                        syms[o + j++] = syms[o + i++];
                    }
                }
                len[w] = j;
            }
            pairCount.put(p, 0);
            Arrays.sort(touched, 0, touchedSize);
            for (int t = 0; t < touchedSize; t++) {
                if (t > 0 && touched[t] == touched[t - 1]) {
                    continue;
                }
                long c = pairCount.get(touched[t], 0);
                if (c > 0) {
                    push(c, touched[t]);
                }
            }
        }

        void gain(long p, long c, int w) {
            pairCount.add(p, c);
            addWhere(p, w);
            if (touchedSize == touched.length) {
                touched = Arrays.copyOf(touched, touchedSize * 2);
            }
            touched[touchedSize++] = p;
        }

        void addWhere(long p, int w) {
            long idx = whereIndex.get(p, -1);
            if (idx < 0) {
                idx = lists++;
                whereIndex.put(p, idx);
                if (idx == where.length) {
                    where = Arrays.copyOf(where, lists * 2);
                    whereSize = Arrays.copyOf(whereSize, lists * 2);
                }
                where[(int) idx] = new int[2];
            }
            int i = (int) idx;
            int[] list = where[i];
            if (list == null) {
                // Merged before, back again because a later merge re-created one of its sides by another path.
                list = where[i] = new int[2];
                whereSize[i] = 0;
            }
            int size = whereSize[i];
            if (size > 0 && list[size - 1] == w) {
                return;
            }
            if (size == list.length) {
                list = where[i] = Arrays.copyOf(list, size * 2);
            }
            list[size] = w;
            whereSize[i] = size + 1;
        }

        /** Heap order: larger count first, then the smaller pair key. */
        boolean before(long c1, long p1, long c2, long p2) {
            return c1 > c2 || (c1 == c2 && p1 < p2);
        }

        void push(long c, long p) {
            if (heapSize == heapCount.length) {
                heapCount = Arrays.copyOf(heapCount, heapSize * 2);
                heapPair = Arrays.copyOf(heapPair, heapSize * 2);
            }
            int k = heapSize++;
            while (k > 0) {
                int parent = (k - 1) >>> 1;
                if (!before(c, p, heapCount[parent], heapPair[parent])) {
                    break;
                }
                heapCount[k] = heapCount[parent];
                heapPair[k] = heapPair[parent];
                k = parent;
            }
            heapCount[k] = c;
            heapPair[k] = p;
        }

        void pop() {
            int size = --heapSize;
            long c = heapCount[size];
            long p = heapPair[size];
            int k = 0;
            while (true) {
                int child = 2 * k + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && before(heapCount[child + 1], heapPair[child + 1], heapCount[child], heapPair[child])) {
                    child++;
                }
                if (!before(heapCount[child], heapPair[child], c, p)) {
                    break;
                }
                heapCount[k] = heapCount[child];
                heapPair[k] = heapPair[child];
                k = child;
            }
            if (size > 0) {
                heapCount[k] = c;
                heapPair[k] = p;
            }
        }
    }
}
