package dev.chameleon.workbench.trainer.hf.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class TorchCheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void plainStateDictReadsEveryTensorWithItsValues() throws IOException {
        try (TorchCheckpoint ckpt = TorchCheckpoint.read(Fixtures.path("tiny_state_dict.pt"))) {
            Map<String, TorchTensor> sd = ckpt.stateDict();

            assertThat(sd.keySet()).containsExactly("encoder.conv_in.weight", "encoder.conv_in.bias",
                    "quantize.embedding.weight", "decoder.table", "decoder.slice", "decoder.grid",
                    "decoder.transposed", "bn.num_batches_tracked");
            TorchTensor w = sd.get("encoder.conv_in.weight");
            assertThat(w.name()).isEqualTo("encoder.conv_in.weight");
            assertThat(w.dtype()).isEqualTo(TorchDtype.F32);
            assertThat(w.shape()).containsExactly(2, 3);
            assertThat(w.stride()).containsExactly(3, 1);
            assertThat(ckpt.floats(w)).containsExactly(0.5f, -1.25f, 2.0f, 3.5f, -0.125f, 7.0f);
            assertThat(ckpt.floats(sd.get("encoder.conv_in.bias"))).containsExactly(1.5f, -0.5f, 1024.0f);
            assertThat(sd.get("quantize.embedding.weight").dtype()).isEqualTo(TorchDtype.BF16);
            assertThat(ckpt.floats(sd.get("quantize.embedding.weight"))).containsExactly(1.0f, -2.5f, 0.15625f, 256f);
        }
    }

    @Test
    void viewsHonourTheirStorageOffsetAndShareTheStorage() throws IOException {
        try (TorchCheckpoint ckpt = TorchCheckpoint.read(Fixtures.path("tiny_state_dict.pt"))) {
            Map<String, TorchTensor> sd = ckpt.stateDict();
            TorchTensor table = sd.get("decoder.table");
            TorchTensor slice = sd.get("decoder.slice");
            TorchTensor grid = sd.get("decoder.grid");

            assertThat(slice.storageKey()).isEqualTo(table.storageKey());
            assertThat(grid.storageKey()).isEqualTo(table.storageKey());
            assertThat(slice.storageOffset()).isEqualTo(4);
            assertThat(ckpt.floats(table)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(ckpt.floats(slice)).containsExactly(4, 5, 6, 7);
            assertThat(grid.shape()).containsExactly(2, 3);
            assertThat(ckpt.floats(grid)).containsExactly(2, 3, 4, 5, 6, 7);
        }
    }

    @Test
    void nonContiguousAndNonFloatTensorsAreRefusedWithTheirName() throws IOException {
        try (TorchCheckpoint ckpt = TorchCheckpoint.read(Fixtures.path("tiny_state_dict.pt"))) {
            Map<String, TorchTensor> sd = ckpt.stateDict();
            TorchTensor transposed = sd.get("decoder.transposed");
            assertThat(transposed.isContiguous()).isFalse();
            assertThatThrownBy(() -> ckpt.floats(transposed))
                    .hasMessageContaining("tensor 'decoder.transposed' F32[3, 2] has stride [1, 3]")
                    .hasMessageContaining("not contiguous");

            TorchTensor count = sd.get("bn.num_batches_tracked");
            assertThat(count.dtype()).isEqualTo(TorchDtype.I64);
            assertThat(count.shape()).isEmpty();
            assertThat(count.numel()).isEqualTo(1);
            assertThatThrownBy(() -> ckpt.floats(count))
                    .hasMessageContaining("'bn.num_batches_tracked' I64[]: only F32, F16, BF16 and F64");
        }
    }

    @Test
    void lightningCheckpointKeepsItsMetadataAndFindsTheWeightsUnderStateDict() throws IOException {
        try (TorchCheckpoint ckpt = TorchCheckpoint.read(Fixtures.path("tiny_lightning.ckpt"));
             TorchCheckpoint plain = TorchCheckpoint.read(Fixtures.path("tiny_state_dict.pt"))) {
            Map<?, ?> root = (Map<?, ?>) ckpt.root();
            assertThat(root.get("epoch")).isEqualTo(3L);
            assertThat(root.get("global_step")).isEqualTo(1200L);
            assertThat(root.get("pytorch-lightning_version")).isEqualTo("1.9.0");
            assertThat(((Map<?, ?>) root.get("hyper_parameters")).get("lr")).isEqualTo(4.5e-6);

            Map<String, TorchTensor> sd = ckpt.stateDict();
            assertThat(sd).isEqualTo(plain.stateDict());
            assertThat(ckpt.floats(sd.get("decoder.slice"))).containsExactly(4, 5, 6, 7);
        }
    }

    @Test
    void aCheckpointHidingOsSystemIsRefusedWhole() {
        Path evil = Fixtures.path("evil_checkpoint.ckpt");
        assertThatThrownBy(() -> TorchCheckpoint.read(evil))
                .isInstanceOf(UnsafePickleException.class)
                .hasMessageContaining(evil + " (evil_checkpoint/data.pkl), byte ")
                .hasMessageContaining("global posix.system (GLOBAL)")
                .hasMessageContaining("may run code");
    }

    @Test
    void legacyAndNonZipFilesAreNamedAsSuch() throws IOException {
        Path legacy = Files.copy(Fixtures.path("plain_p2.pkl"), tmp.resolve("old.pt"));
        assertThatThrownBy(() -> TorchCheckpoint.read(legacy)).hasMessageContaining("legacy format");
        Path text = Files.writeString(tmp.resolve("notes.ckpt"), "hello");
        assertThatThrownBy(() -> TorchCheckpoint.read(text)).hasMessageContaining("not a zip-format");
    }

    @Test
    void anOversizedCompressedDataPklIsCutOffAtTheLimit() throws IOException {
        Path bomb = tmp.resolve("bomb.ckpt");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            zip.putNextEntry(new ZipEntry("bomb/data.pkl")); // deflated: 65 MiB of zeros take a few KB
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i <= TorchCheckpoint.MAX_PICKLE_BYTES >> 20; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertThat(Files.size(bomb)).isLessThan(1 << 20);
        assertThatThrownBy(() -> TorchCheckpoint.read(bomb))
                .hasMessageContaining("bomb/data.pkl is larger than the limit of 64 MiB");
    }

    @Test
    void aMissingStorageIsNamedWhenItsTensorIsRead() throws IOException {
        Path damaged = rewrite("tiny_state_dict.pt", "damaged.pt",
                name -> name.equals("tiny_state_dict/data/0") ? null : name);
        try (TorchCheckpoint ckpt = TorchCheckpoint.read(damaged)) {
            TorchTensor w = ckpt.stateDict().get("encoder.conv_in.weight");
            assertThat(ckpt.floats(ckpt.stateDict().get("encoder.conv_in.bias"))).hasSize(3);
            assertThatThrownBy(() -> ckpt.floats(w))
                    .hasMessageContaining("its storage tiny_state_dict/data/0 is missing from the zip");
        }
    }

    @Test
    void bigEndianCheckpointsAreRefused() throws IOException {
        Path big = rewrite("tiny_state_dict.pt", "big.pt", UnaryOperator.identity(), "big");
        assertThatThrownBy(() -> TorchCheckpoint.read(big))
                .hasMessageContaining("byte order 'big'; only little-endian checkpoints are read");
    }

    @Test
    void halfPrecisionDecodesSpecialValues() {
        assertThat(TorchCheckpoint.halfToFloat(0x3c00)).isEqualTo(1.0f);
        assertThat(TorchCheckpoint.halfToFloat(0xc000)).isEqualTo(-2.0f);
        assertThat(TorchCheckpoint.halfToFloat(0x7bff)).isEqualTo(65504f);
        assertThat(TorchCheckpoint.halfToFloat(0x0001)).isEqualTo(0x1p-24f);
        assertThat(TorchCheckpoint.halfToFloat(0x8000)).isEqualTo(-0.0f);
        assertThat(TorchCheckpoint.halfToFloat(0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(TorchCheckpoint.halfToFloat(0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(TorchCheckpoint.halfToFloat(0x7e00)).isNaN();
    }

    private Path rewrite(String fixture, String target, UnaryOperator<String> rename) throws IOException {
        return rewrite(fixture, target, rename, null);
    }

    /** Copies a fixture zip entry by entry, dropping entries renamed to null and optionally replacing byteorder. */
    private Path rewrite(String fixture, String target, UnaryOperator<String> rename, String byteOrder)
            throws IOException {
        Path out = tmp.resolve(target);
        try (InputStream raw = Files.newInputStream(Fixtures.path(fixture));
             ZipInputStream in = new ZipInputStream(raw);
             OutputStream rawOut = Files.newOutputStream(out);
             ZipOutputStream zip = new ZipOutputStream(rawOut)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String name = rename.apply(e.getName());
                if (name == null) {
                    continue;
                }
                byte[] body = in.readAllBytes();
                if (byteOrder != null && name.endsWith("/byteorder")) {
                    body = byteOrder.getBytes();
                }
                zip.putNextEntry(new ZipEntry(name));
                zip.write(body);
                zip.closeEntry();
            }
        }
        return out;
    }
}
