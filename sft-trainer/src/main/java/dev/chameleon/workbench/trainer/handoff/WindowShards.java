package dev.chameleon.workbench.trainer.handoff;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chameleon.workbench.trainer.pack.PackedWindow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Writes packed windows into one safetensors shard as four int32 tensors of shape (N, T), filled row by row at
 * known offsets, so a shard of any size is written with one reused row buffer.
 *
 * <p>A window of T = 8 holding document A (3 tokens, loss on the last two), B (3 tokens, loss on the last one),
 * C (1 token) and one pad, as the four rows of the shard show it:
 * <pre>
 *   column          0     1     2     3     4     5     6     7
 *   input_ids      a0    a1    a2    b0    b1    b2    c0   pad
 *   labels       -100    a1    a2  -100  -100    b2  -100  -100
 *   position_ids    0     1     2     0     1     2     0     0
 *   document_ids    0     0     0     1     1     1     2    -1
 * </pre>
 * {@code labels} are not shifted: {@code labels[t] = input_ids[t]} where token t is trained, the model shifts
 * them (logits at t-1 predict labels at t), as transformers' causal-LM loss does. A token is trained where the
 * loss mask is on and it is not the first of its document ({@code position_ids > 0}): the workbench's trainer
 * never predicts a document's first token from the document before it ({@code trainer.train.Batch}), so neither
 * may the labels. Padding has position 0 and document id -1, so every pad is a document of one token.
 */
final class WindowShards {

    /** Label of a token that carries no loss: PyTorch's and transformers' {@code ignore_index}. */
    static final int IGNORE = -100;

    /** The tensors of a shard, in the order they lie in the file (by name, as safetensors writers order them). */
    static final List<String> TENSORS = List.of("document_ids", "input_ids", "labels", "position_ids");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileChannel out;
    private final int rows;
    private final int t;
    private final long dataStart;
    private final ByteBuffer row;
    private final IntBuffer rowInts;
    private final int[] labels;
    private int written;
    private long labelled;
    private long real;

    /**
     * Opens {@code file} for {@code rows} windows of {@code t} tokens and writes the header.
     *
     * @param metadata strings for the header's {@code __metadata__}
     */
    WindowShards(Path file, int rows, int t, Map<String, String> metadata) throws IOException {
        this.rows = rows;
        this.t = t;
        long tensorBytes = (long) rows * t * Integer.BYTES;
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        for (int k = 0; k < TENSORS.size(); k++) {
            ObjectNode n = header.putObject(TENSORS.get(k));
            n.put("dtype", "I32");
            n.putArray("shape").add(rows).add(t);
            n.putArray("data_offsets").add(k * tensorBytes).add((k + 1) * tensorBytes);
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // the data buffer starts 8-byte aligned
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        this.out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        writeFully(head, 0);
        this.dataStart = 8L + padded;
        this.row = ByteBuffer.allocate(t * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        this.rowInts = row.asIntBuffer();
        this.labels = new int[t];
    }

    /** Writes {@code w} as the next row. */
    void add(PackedWindow w) throws IOException {
        if (written == rows) {
            throw new IllegalStateException("shard holds " + rows + " windows; one more was added");
        }
        if (w.capacity() != t) {
            throw new IllegalArgumentException("window of " + w.capacity() + " tokens in a shard of T = " + t);
        }
        labels(w, labels);
        for (int i = 0; i < t; i++) {
            labelled += labels[i] == IGNORE ? 0 : 1;
        }
        real += w.length();
        long tensorBytes = (long) rows * t * Integer.BYTES;
        long at = dataStart + (long) written * t * Integer.BYTES;
        writeRow(w.documentIds(), at);                   // document_ids (N, T)
        writeRow(w.tokens(), at + tensorBytes);          // input_ids    (N, T)
        writeRow(labels, at + 2 * tensorBytes);          // labels       (N, T)
        writeRow(w.positionIds(), at + 3 * tensorBytes); // position_ids (N, T)
        written++;
    }

    /** Rows written so far. */
    int written() {
        return written;
    }

    /** Tokens with a label (not {@link #IGNORE}) written so far. */
    long labelledTokens() {
        return labelled;
    }

    /** Real (not padding) tokens written so far. */
    long realTokens() {
        return real;
    }

    /** Forces the data to disk and closes the file; every row must have been written. */
    void finish() throws IOException {
        if (written != rows) {
            throw new IllegalStateException("shard holds " + written + " of its " + rows + " windows");
        }
        out.force(true);
        out.close();
    }

    /** Closes the file without checking (after a failure or a cancel). */
    void abandon() throws IOException {
        out.close();
    }

    /** The unshifted labels of {@code w} into {@code into} (T): the token where it is trained, else -100. */
    static void labels(PackedWindow w, int[] into) {
        int[] tok = w.tokens();
        int[] pos = w.positionIds();
        boolean[] loss = w.lossMask();
        for (int i = 0; i < w.capacity(); i++) {
            into[i] = loss[i] && pos[i] > 0 ? tok[i] : IGNORE;
        }
    }

    private void writeRow(int[] values, long position) throws IOException {
        rowInts.clear();
        rowInts.put(values, 0, t);
        row.clear();
        writeFully(row, position);
    }

    private void writeFully(ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            p += out.write(buf, p);
        }
    }
}
