package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our VQ model's weights under the names taming-transformers gives them, which the released Chameleon tokenizer
 * ({@code vqgan.ckpt}'s state_dict) and, behind the prefix {@code model.vqmodel.}, the Hugging Face checkpoint use
 * (docs/chameleon.md#loading-a-released-image-tokenizer).
 *
 * <pre>
 *   ours (block path)                 taming / Chameleon key                        shape
 *   encoder/conv_in/weight            encoder.conv_in.weight                        (ch*m0, 3, 3, 3)
 *   encoder/down1_block0/norm1/gamma  encoder.down.1.block.0.norm1.weight           (C,)
 *   encoder/down0_downsample/conv/... encoder.down.0.downsample.conv.weight         (C, C, 3, 3)
 *   encoder/mid_block1, mid_attn, mid_block2  encoder.mid.block_1, attn_1, block_2
 *   quantize/codebook                 quantize.embedding.weight                     (K, D)
 *   quant_conv, post_quant_conv       quant_conv.weight (D, z, 1, 1), post_quant_conv.weight (z, D, 1, 1)
 *   decoder/up2_block1/..., decoder/up2_upsample/conv/...  decoder.up.2.block.1..., decoder.up.2.upsample.conv...
 * </pre>
 * GroupNorm's gain and bias ({@code gamma}, {@code beta}) are taming's {@code weight} and {@code bias}. The names
 * come from walking the model, so they follow {@link VqEncoder} and {@link VqDecoder} as those change.
 */
public final class VqStateDict {

    /** One weight: its shape and its values in row-major order. */
    public record Weight(long[] shape, float[] values) {

        public Weight {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    /** Where {@link #load} reads each weight from; it checks the shape it is given and names its file on error. */
    public interface Source {

        /**
         * The values of the weight {@code key}, {@code shape} elements in row-major order as float32.
         *
         * @throws IOException when the weight is missing, has another shape or cannot be read; the message names
         *                     the file, the key and the fix
         */
        float[] read(String key, long[] shape) throws IOException;
    }

    private static final Pattern LEVEL_BLOCK = Pattern.compile("(down|up)(\\d+)_block(\\d+)");
    private static final Pattern LEVEL_RESAMPLE = Pattern.compile("(down|up)(\\d+)_(downsample|upsample)");

    private VqStateDict() {
    }

    /**
     * Every weight a model of {@code config} holds, by taming key, in the model's order; without
     * post_quant_conv and decoder when {@code withDecoder} is false. Allocates nothing native.
     */
    public static Map<String, long[]> shapes(VqConfig config, boolean withDecoder) {
        Map<String, long[]> out = new LinkedHashMap<>();
        parameters(new VqModel(config, withDecoder)).forEach((k, p) -> out.put(k, p.getShape().getShape()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * A tokenizer of {@code config} with every weight read from {@code source}. With {@code noDecoder} null the
     * model is whole; otherwise it has no post_quant_conv and decoder, and {@code noDecoder} is the message its
     * decode fails with (say why and where the decoder comes from).
     */
    public static VqImageTokenizer load(VqConfig config, Source source, String noDecoder) throws IOException {
        VqModel model = new VqModel(config, noDecoder == null);
        Map<String, Parameter> params = parameters(model);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            long[] shape = e.getValue().getShape().getShape();
            float[] v = source.read(e.getKey(), shape);
            long expected = e.getValue().getShape().size();
            if (v == null || v.length != expected) {
                throw new IOException("weight '" + e.getKey() + "' came back with " + (v == null ? 0 : v.length)
                        + " values, its shape " + Arrays.toString(shape) + " holds " + expected);
            }
            values.put(e.getKey(), v);
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            for (Parameter p : params.values()) {
                p.setInitializer(Initializer.ZEROS); // every value is overwritten below
            }
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                e.getValue().getArray().set(values.get(e.getKey()));
            }
            return new VqImageTokenizer(model, manager, true, noDecoder);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The tokenizer's weights by taming key, copied out of native memory (what {@link #load} reads back). */
    public static Map<String, Weight> export(VqImageTokenizer tokenizer) {
        Map<String, Weight> out = new LinkedHashMap<>();
        parameters(tokenizer.model()).forEach((k, p) -> out.put(k,
                new Weight(p.getShape().getShape(), p.getArray().toFloatArray())));
        return out;
    }

    /** The model's parameters by taming key. */
    static Map<String, Parameter> parameters(VqModel model) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        walk(model, "", out);
        return out;
    }

    private static void walk(Block block, String prefix, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + parameterName(p.getKey()), p.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            walk(child.getValue(), prefix + childName(child.getKey()) + ".", out);
        }
    }

    /** DJL prefixes child names with their index ("01encoder"); taming's names follow the rename below. */
    static String childName(String djlName) {
        String name = djlName.replaceFirst("^\\d+", "");
        Matcher m = LEVEL_BLOCK.matcher(name);
        if (m.matches()) {
            return m.group(1) + "." + m.group(2) + ".block." + m.group(3);
        }
        m = LEVEL_RESAMPLE.matcher(name);
        if (m.matches()) {
            return m.group(1) + "." + m.group(2) + "." + m.group(3);
        }
        return switch (name) {
            case "mid_block1" -> "mid.block_1";
            case "mid_attn" -> "mid.attn_1";
            case "mid_block2" -> "mid.block_2";
            default -> name;
        };
    }

    private static String parameterName(String name) {
        return switch (name) {
            case "gamma" -> "weight";
            case "beta" -> "bias";
            case "codebook" -> "embedding.weight";
            default -> name;
        };
    }
}
