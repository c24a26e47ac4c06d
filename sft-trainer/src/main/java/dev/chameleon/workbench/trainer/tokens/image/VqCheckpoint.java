package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One file holding a VQ model: a header of key/value pairs (the config, the step, provenance, the SHA-256 of
 * the weights) followed by DJL's {@code saveParameters} bytes. Written to a temporary file and moved into
 * place atomically, so a crash never leaves a half-written checkpoint. Optimizer state is not stored: a
 * resumed run starts Adam's moments afresh (documented deviation, cheap for a tokenizer).
 *
 * <pre>
 *   "CHVQ" int:version int:n (utf:key utf:value){n} long:length bytes:saveParameters
 * </pre>
 */
final class VqCheckpoint {

    private static final int MAGIC = 0x43485651; // "CHVQ"
    private static final int VERSION = 1;

    /** A loaded checkpoint: its model (weights on the given manager), step and header. */
    public record Loaded(VqModel model, long step, Map<String, String> header) {
    }

    private VqCheckpoint() {
    }

    /** Saves {@code model} at {@code step}; {@code provenance} keys are stored as given. */
    public static void save(VqModel model, long step, Map<String, String> provenance, Path file)
            throws IOException {
        if (!model.hasDecoder()) {
            throw new IllegalArgumentException("an encoder-only VQ model cannot be saved as a checkpoint: load"
                    + " it from its source again (this format always holds the decoder)");
        }
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(params)) {
            model.saveParameters(out);
        }
        byte[] weights = params.toByteArray();
        Map<String, String> header = new LinkedHashMap<>();
        model.config().toMap().forEach((k, v) -> header.put("config." + k, v));
        header.put("step", Long.toString(step));
        header.put("weightsSha256", sha256(weights));
        header.put("parameters", Long.toString(model.parameterCount()));
        provenance.forEach(header::putIfAbsent);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(os)) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(header.size());
                for (Map.Entry<String, String> e : header.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeUTF(e.getValue());
                }
                out.writeLong(weights.length);
                out.write(weights);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Loads a checkpoint; its weights are attached to {@code manager}. */
    public static Loaded load(Path file, NDManager manager) throws IOException {
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file));
             DataInputStream in = new DataInputStream(is)) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a VQ checkpoint (bad magic); point at a file written by "
                        + "VqCheckpoint.save");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(file + " has checkpoint format " + version + ", this build reads " + VERSION);
            }
            int n = in.readInt();
            Map<String, String> header = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                header.put(in.readUTF(), in.readUTF());
            }
            Map<String, String> config = new LinkedHashMap<>();
            header.forEach((k, v) -> {
                if (k.startsWith("config.")) {
                    config.put(k.substring("config.".length()), v);
                }
            });
            VqModel model = new VqModel(VqConfig.fromMap(config));
            byte[] weights = in.readNBytes((int) in.readLong());
            String expected = header.get("weightsSha256");
            if (expected != null && !expected.equals(sha256(weights))) {
                throw new IOException(file + ": weights do not match their SHA-256 (file corrupt or truncated)");
            }
            try (DataInputStream w = new DataInputStream(new ByteArrayInputStream(weights))) {
                model.loadParameters(manager, w);
            } catch (MalformedModelException e) {
                throw new IOException(file + ": weights do not fit the model its config describes: "
                        + e.getMessage(), e);
            }
            return new Loaded(model, Long.parseLong(header.getOrDefault("step", "0")), header);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
