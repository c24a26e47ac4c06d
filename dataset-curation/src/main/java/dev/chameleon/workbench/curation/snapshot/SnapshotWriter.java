package dev.chameleon.workbench.curation.snapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.store.Dataset;
import dev.chameleon.workbench.curation.store.ExampleStore;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes datasets out: canonical JSONL exports, and immutable versioned snapshots for the trainer.
 */
public final class SnapshotWriter {

    public static final String SNAPSHOT_FORMAT = "chameleon-workbench-snapshot/1";

    private SnapshotWriter() {
    }

    /**
     * Exports every example of a dataset (any status) as canonical JSONL, images copied to a folder beside the
     * file ({@code <name>-images/}) and referenced by relative path, so importing the file reproduces the dataset.
     */
    public static ExportResult export(ExampleStore store, ImageStore images, Dataset d, Path out,
                                      LongConsumer progress) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        String base = out.getFileName().toString().replaceFirst("(\\.jsonl|\\.json)?(\\.gz)?$", "");
        Path imageDir = parent.resolve(base + "-images");
        Path tmp = parent.resolve("." + out.getFileName() + ".tmp");
        long[] counts = new long[2];
        Map<String, String> written = new HashMap<>();
        try (OutputStream raw = Files.newOutputStream(tmp);
             OutputStream os = out.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
             BufferedWriter w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
            store.forEach(d, null, e -> {
                writeRecord(w, e, images, imageDir, imageDir.getFileName().toString(), written);
                counts[0]++;
            }, progress);
        }
        counts[1] = written.size();
        move(tmp, out);
        return new ExportResult(out, imageDir, counts[0], counts[1]);
    }

    /**
     * Freezes the accepted examples into {@code <snapshots>/<dataset>/v<N>/}: examples.jsonl, images/ and a
     * manifest with counts per category and the content hash. The folder is written under a temporary name and
     * renamed into place, then made read-only; a crash leaves no half snapshot.
     *
     * @throws IllegalArgumentException for a prompt set (prompt sets are for evaluations), or when accepted
     *                                  examples have images known only by address (nothing to train on); the
     *                                  message gives the count and the fix, and no snapshot is written
     */
    public static Snapshot snapshot(ExampleStore store, ImageStore images, Dataset d, Path snapshotsRoot,
                                    LongConsumer progress) throws IOException {
        if (d.isPromptSet()) {
            throw new IllegalArgumentException("'" + d.name() + "' is a prompt set; prompt sets are for evaluations, "
                    + "not SFT snapshots");
        }
        int version = store.nextSnapshotVersion(d);
        Path datasetDir = snapshotsRoot.resolve(d.name());
        Files.createDirectories(datasetDir);
        String name = String.format("v%04d", version);
        Path tmp = datasetDir.resolve("." + name + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp.resolve("images"));
        Map<Category, Long> byCategory = new EnumMap<>(Category.class);
        Map<String, String> written = new HashMap<>();
        long[] n = {0, 0}; // written, accepted with a remote image
        MessageDigest sha = sha256();
        try (OutputStream raw = Files.newOutputStream(tmp.resolve("examples.jsonl"));
             DigestOutputStream digest = new DigestOutputStream(raw, sha);
             BufferedWriter w = new BufferedWriter(new OutputStreamWriter(digest, StandardCharsets.UTF_8), 1 << 16)) {
            store.forEach(d, ReviewStatus.ACCEPTED, e -> {
                if (e.hasRemoteImage() || e.rejected().stream().anyMatch(Message::hasRemoteImage)) {
                    n[1]++;
                    return;
                }
                writeRecord(w, e, images, tmp.resolve("images"), "images", written);
                byCategory.merge(e.category(), 1L, Long::sum);
                n[0]++;
            }, progress);
        }
        if (n[1] > 0) {
            deleteTree(tmp);
            throw new IllegalArgumentException(String.format("%,d accepted example%s of '%s' ha%s images known only "
                    + "by their web address, which cannot be trained on; import the file again with --fetch-images "
                    + "to download them, or reject those examples (search remote_image:true finds them), then snapshot "
                    + "again", n[1], n[1] == 1 ? "" : "s", d.name(), n[1] == 1 ? "s" : "ve"));
        }
        String hash = HexFormat.of().formatHex(sha.digest());
        ObjectNode manifest = ExampleJson.MAPPER.createObjectNode();
        manifest.put("format", SNAPSHOT_FORMAT);
        manifest.put("dataset", d.name());
        manifest.put("version", version);
        manifest.put("created_at", Instant.now().toString());
        manifest.put("examples", n[0]);
        manifest.put("images", written.size());
        manifest.put("content_hash", hash);
        manifest.put("examples_file", "examples.jsonl");
        ObjectNode cats = manifest.putObject("categories");
        for (Category c : Category.values()) {
            cats.put(c.wireName(), byCategory.getOrDefault(c, 0L));
        }
        ExampleJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("manifest.json").toFile(), manifest);
        Path dir = datasetDir.resolve(name);
        move(tmp, dir);
        makeReadOnly(dir);
        store.recordSnapshot(d, version, dir.toString(), hash, n[0]);
        return new Snapshot(d.name(), version, dir, hash, n[0], written.size(), byCategory);
    }

    private static void writeRecord(BufferedWriter w, Example e, ImageStore images, Path imageDir, String relDir,
                                    Map<String, String> written) {
        try {
            for (String key : imageKeys(e)) {
                if (!written.containsKey(key)) {
                    String file = key + "." + images.extension(key);
                    Files.createDirectories(imageDir);
                    Path target = imageDir.resolve(file);
                    if (!Files.exists(target)) {
                        Files.copy(images.path(key), target);
                    }
                    written.put(key, relDir + "/" + file);
                }
            }
            w.write(ExampleJson.toJson(e, written::get));
            w.write('\n');
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The stored images of the conversation and of a rejected answer, which an export or snapshot must carry. */
    private static List<String> imageKeys(Example e) {
        List<String> keys = new ArrayList<>(e.imageKeys());
        for (Message m : e.rejected()) {
            for (Part p : m.parts()) {
                if (p instanceof Part.Image i) {
                    keys.add(i.sha256());
                }
            }
        }
        return keys;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void makeReadOnly(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(p -> p.toFile().setReadOnly());
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> files = Files.walk(p)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
