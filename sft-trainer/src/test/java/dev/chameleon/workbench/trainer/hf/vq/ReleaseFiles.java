package dev.chameleon.workbench.trainer.hf.vq;

import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.hf.safetensors.SafetensorsWriter;
import dev.chameleon.workbench.trainer.hf.safetensors.ShardedSafetensorsWriter;
import dev.chameleon.workbench.trainer.hf.torch.TorchDtype;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqStateDict.Weight;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a VQ model's weights the way the released Chameleon tokenizer files are laid out, for the import tests:
 * a Hugging Face folder (config.json with vq_config, model.vqmodel.* in safetensors) and a Lightning checkpoint
 * (torch.save's zip: a protocol-2 data.pkl whose state_dict holds tensors rebuilt by
 * torch._utils._rebuild_tensor_v2 over persistent storages, one raw little-endian entry per storage) with its
 * taming-style vqgan.yaml. The pickle is the one torch.save writes for such a dict, opcode by opcode; the committed
 * fixtures of make_torch_fixtures.py check the reader against Python's own pickler.
 */
final class ReleaseFiles {

    private ReleaseFiles() {
    }

    /** A release-shaped tokenizer small enough for a unit test: 32 groups need 32 channels at least. */
    static VqConfig tinyRelease() {
        return new VqConfig(16, 32, List.of(1, 2), 1, 16, 8, 8, 32, true, 0.25);
    }

    /** Seeded values for every weight of {@code shapes}, for files that are refused before any is read. */
    static Map<String, Weight> randomWeights(Map<String, long[]> shapes, long seed) {
        Random random = new Random(seed);
        Map<String, Weight> out = new LinkedHashMap<>();
        shapes.forEach((k, s) -> {
            long n = 1;
            for (long d : s) {
                n *= d;
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian() * 0.1f;
            }
            out.put(k, new Weight(s, v));
        });
        return out;
    }

    // ---- Hugging Face layout

    /** config.json with the vq_config of {@code c} (other fields at transformers' defaults), some replaced. */
    static void writeHfConfig(Path dir, VqConfig c, Map<String, String> overrides) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> vq = new LinkedHashMap<>();
        vq.put("embed_dim", Integer.toString(c.embedDim()));
        vq.put("num_embeddings", Integer.toString(c.codebookSize()));
        vq.put("double_latent", "false");
        vq.put("latent_channels", Integer.toString(c.zChannels()));
        vq.put("resolution", Integer.toString(c.resolution()));
        vq.put("in_channels", "3");
        vq.put("base_channels", Integer.toString(c.baseChannels()));
        vq.put("channel_multiplier", c.channelMultipliers().toString());
        vq.put("num_res_blocks", Integer.toString(c.resBlocks()));
        vq.put("attn_resolutions", "null");
        vq.put("attn_type", c.midAttention() ? "\"vanilla\"" : "\"none\"");
        vq.put("dropout", "0.0");
        vq.put("out_channels", "3");
        vq.put("model_type", "\"chameleon_vqgan\"");
        vq.putAll(overrides);
        String fields = vq.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(", "));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"chameleon\", \"vq_config\": {" + fields
                + "}}");
    }

    /**
     * model.safetensors holding {@code weights} under model.vqmodel.* beside a token embedding, as transformers'
     * converter writes them (it copies loss.* too); with {@code maxShardBytes} above 0 as shards and an index.
     */
    static void writeHfWeights(Path dir, Map<String, Weight> weights, Dtype dtype, long maxShardBytes)
            throws IOException {
        Map<String, Weight> all = new LinkedHashMap<>();
        all.put("model.embed_tokens.weight", new Weight(new long[] {4, 2}, new float[8]));
        weights.forEach((k, w) -> all.put(HfVqImport.HF_PREFIX + k, w));
        all.put(HfVqImport.HF_PREFIX + "loss.discriminator.main.0.weight", new Weight(new long[] {2}, new float[2]));
        if (maxShardBytes > 0) {
            ShardedSafetensorsWriter writer = new ShardedSafetensorsWriter(maxShardBytes);
            all.forEach((k, w) -> writer.add(k, dtype, w.shape(), w.values()));
            writer.write(dir);
        } else {
            SafetensorsWriter writer = new SafetensorsWriter();
            all.forEach((k, w) -> writer.add(k, dtype, w.shape(), w.values()));
            writer.write(dir.resolve("model.safetensors"));
        }
    }

    // ---- the original release: vqgan.yaml and a Lightning vqgan.ckpt

    /** taming's vqgan.yaml for {@code c}, with {@code extraDdconfig} lines (indented 6) added to ddconfig. */
    static String yaml(VqConfig c, String extraDdconfig) {
        String mults = c.channelMultipliers().stream().map(String::valueOf).collect(Collectors.joining(", "));
        return "model:\n"
                + "  base_learning_rate: 4.5e-06\n"
                + "  target: taming.models.vqgan.VQModel\n"
                + "  params:\n"
                + "    embed_dim: " + c.embedDim() + "\n"
                + "    n_embed: " + c.codebookSize() + "\n"
                + "    ddconfig:\n"
                + "      double_z: false\n"
                + "      z_channels: " + c.zChannels() + "\n"
                + "      resolution: " + c.resolution() + "\n"
                + "      in_channels: 3\n"
                + "      out_ch: 3\n"
                + "      ch: " + c.baseChannels() + "\n"
                + "      ch_mult: [" + mults + "]\n"
                + "      num_res_blocks: " + c.resBlocks() + "\n"
                + "      attn_resolutions: []\n"
                + "      dropout: 0.0\n"
                + extraDdconfig
                + "    lossconfig:\n"
                + "      target: taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator\n"
                + "      params:\n"
                + "        disc_start: 0\n"
                + "        disc_weight: 0.75\n";
    }

    /**
     * A Lightning checkpoint {@code {"epoch", "global_step", "state_dict": OrderedDict(weights + loss.*)}} in
     * torch.save's zip format, every storage of {@code dtype}.
     */
    static void writeLightning(Path file, Map<String, Weight> weights, TorchDtype dtype) throws IOException {
        Map<String, Weight> all = new LinkedHashMap<>(weights);
        all.put("loss.discriminator.main.0.weight", new Weight(new long[] {2, 1}, new float[] {0.5f, -0.5f}));
        Pickle p = new Pickle();
        p.op(0x80).op(2);                                  // PROTO 2
        p.op('}').op('(');                                 // EMPTY_DICT, MARK
        p.str("epoch").intOp(3);
        p.str("global_step").intOp(1200);
        p.str("pytorch-lightning_version").str("1.9.0");
        p.str("state_dict");
        p.global("collections", "OrderedDict").op(')').op('R').op('(');   // OrderedDict(), MARK
        List<byte[]> storages = new ArrayList<>();
        for (Map.Entry<String, Weight> e : all.entrySet()) {
            long[] shape = e.getValue().shape();
            float[] v = e.getValue().values();
            String key = Integer.toString(storages.size());
            storages.add(raw(v, dtype));
            p.str(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').str("storage").global("torch", dtype.storageClass()).str(key).str("cpu").intOp(v.length)
                    .op('t').op('Q');                      // persistent id -> storage
            p.intOp(0);                                    // storage offset
            p.op('(');
            for (long d : shape) {
                p.intOp((int) d);
            }
            p.op('t').op('(');                             // size, then row-major stride
            long stride = 1;
            long[] strides = new long[shape.length];
            for (int i = shape.length - 1; i >= 0; i--) {
                strides[i] = stride;
                stride *= shape[i];
            }
            for (long s : strides) {
                p.intOp((int) s);
            }
            p.op('t').op(0x89);                            // requires_grad False
            p.global("collections", "OrderedDict").op(')').op('R');      // backward hooks
            p.op('t').op('R');                             // _rebuild_tensor_v2(*args)
        }
        p.op('u');                                         // SETITEMS into the OrderedDict
        p.op('u').op('.');                                 // SETITEMS into the top dict, STOP

        String archive = "vqgan";
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            stored(zip, archive + "/data.pkl", p.bytes());
            stored(zip, archive + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < storages.size(); i++) {
                stored(zip, archive + "/data/" + i, storages.get(i));
            }
            stored(zip, archive + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static byte[] raw(float[] v, TorchDtype dtype) {
        ByteBuffer b = ByteBuffer.allocate(v.length * dtype.elementSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            switch (dtype) {
                case F32 -> b.putFloat(f);
                case BF16 -> b.putShort((short) (Float.floatToIntBits(f) >>> 16)); // truncation: exact for the test
                default -> throw new IllegalArgumentException("the test writes F32 or BF16 storages, not " + dtype);
            }
        }
        return b.array();
    }

    /** torch.save stores entries uncompressed. */
    private static void stored(ZipOutputStream zip, String name, byte[] body) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(body.length);
        CRC32 crc = new CRC32();
        crc.update(body);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(body);
        zip.closeEntry();
    }

    /** Pickle opcodes, protocol 2. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int code) {
            out.write(code);
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');                                       // BINUNICODE: 4-byte length, UTF-8
            le(b.length);
            out.writeBytes(b);
            return this;
        }

        Pickle intOp(int v) {
            op('J');                                       // BININT: 4-byte signed
            le(v);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');                                       // GLOBAL module\nname\n
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        private void le(int v) {
            for (int i = 0; i < 4; i++) {
                out.write((v >>> (8 * i)) & 0xff);
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
