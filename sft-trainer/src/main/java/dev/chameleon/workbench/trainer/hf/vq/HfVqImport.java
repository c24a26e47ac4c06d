package dev.chameleon.workbench.trainer.hf.vq;

import dev.chameleon.workbench.trainer.hf.HfChameleonConfig;
import dev.chameleon.workbench.trainer.hf.safetensors.ShardedSafetensors;
import dev.chameleon.workbench.trainer.hf.safetensors.TensorInfo;
import dev.chameleon.workbench.trainer.hf.torch.TorchCheckpoint;
import dev.chameleon.workbench.trainer.hf.torch.TorchDtype;
import dev.chameleon.workbench.trainer.hf.torch.TorchTensor;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.VqStateDict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the image tokenizer (VQGAN) of a released Chameleon checkpoint into our {@link VqImageTokenizer}
 * (docs/chameleon.md#loading-a-released-image-tokenizer).
 *
 * <ul>
 * <li>{@link #fromHfCheckpoint}: a Hugging Face folder, {@code config.json}'s vq_config and the
 * {@code model.vqmodel.*} weights of {@code model.safetensors} or its shards. transformers' converter copies every
 * VQGAN weight except the decoder, so the tokenizer encodes and its decode fails, saying where a decoder comes
 * from. A folder that does hold {@code model.vqmodel.decoder.*} (and post_quant_conv) loads whole.</li>
 * <li>{@link #fromLightning}: the original release's {@code tokenizer/vqgan.ckpt} (a PyTorch Lightning
 * checkpoint, read by {@link TorchCheckpoint}'s allow-list unpickler, which runs no code) with its
 * {@code tokenizer/vqgan.yaml}: the whole tokenizer, encode and decode.</li>
 * </ul>
 * Every weight is checked against the shape the configuration gives it before anything is allocated: a missing,
 * misshapen or non-float weight, or one inside the network's modules that our model has no place for, is refused
 * naming the file, the key and the fix. Weights outside those modules ({@code loss.*}, the training
 * discriminator and perceptual net) are ignored. F32, F16 and BF16 (and F64 in a .ckpt) become float32.
 *
 * <p>What this proves and what it does not: the tests write a random VQ model of ours in both layouts, with
 * taming's key names and torch.save's zip format, and check that each loads back to the same codes and the same
 * pixels. That the real release's VQGAN computes what ours does rests on reading the upstream code (taming's
 * Encoder/Decoder, transformers' ChameleonVQVAE): the same blocks, padding, GroupNorm and quantizer. The released
 * files are not in the repository, so neither their exact contents nor code-for-code parity with PyTorch on them
 * are tested here.
 */
public final class HfVqImport {

    /** Where the Hugging Face layout keeps the VQGAN's weights. */
    public static final String HF_PREFIX = "model.vqmodel.";

    /** The network's modules in taming's VQModel; weights outside them (loss.*) are not part of the tokenizer. */
    private static final List<String> MODULES = List.of("encoder.", "quant_conv.", "quantize.", "post_quant_conv.",
            "decoder.");
    private static final List<String> DECODER_MODULES = List.of("post_quant_conv.", "decoder.");

    private HfVqImport() {
    }

    /**
     * The image tokenizer of a Hugging Face checkpoint folder: config.json's vq_config and the model.vqmodel.*
     * weights. Encode-only unless the folder also holds the decoder.
     */
    public static VqImageTokenizer fromHfCheckpoint(Path dir) throws IOException {
        HfChameleonConfig hf = HfChameleonConfig.read(dir);
        Path configFile = hf.file();
        VqConfig config = VqReleaseConfig.fromHf(hf.vqConfig(), configFile);
        try (ShardedSafetensors weights = ShardedSafetensors.open(dir)) {
            Map<String, Found> found = new LinkedHashMap<>();
            for (String name : weights.names()) {
                if (name.startsWith(HF_PREFIX)) {
                    TensorInfo t = weights.tensor(name);
                    found.put(name.substring(HF_PREFIX.length()), new Found(weights.shardOf(name),
                            t.dtype().toString(), t.shape(), t.dtype().isFloat()));
                }
            }
            if (found.isEmpty()) {
                throw new InvalidVqTokenizerException(dir, HF_PREFIX + "*", "no weight has this prefix: the"
                        + " folder holds no image tokenizer; is it a Chameleon checkpoint"
                        + " (ChameleonForConditionalGeneration)?");
            }
            boolean withDecoder = holdsDecoder(found);
            String noDecoder = withDecoder ? null : dir + ": this Hugging Face checkpoint does not hold the image"
                    + " tokenizer's decoder (transformers' converter copies only the encoder and quantizer to "
                    + HF_PREFIX + "*), so it turns images into codes but cannot turn codes into images. To decode,"
                    + " load the original release's tokenizer/vqgan.ckpt with its tokenizer/vqgan.yaml"
                    + " (HfVqImport.fromLightning).";
            Path where = weights.shards().size() == 1 ? weights.shards().get(0)
                    : dir.resolve(ShardedSafetensors.INDEX_FILE);
            check(config, withDecoder, found, HF_PREFIX, configFile, where);
            return VqStateDict.load(config, (key, shape) -> weights.readFloats(HF_PREFIX + key), noDecoder);
        }
    }

    /** The whole image tokenizer of the original release: its Lightning {@code vqgan.ckpt} and {@code vqgan.yaml}. */
    public static VqImageTokenizer fromLightning(Path ckpt, Path yaml) throws IOException {
        VqConfig config = VqReleaseConfig.fromYaml(yaml);
        try (TorchCheckpoint checkpoint = TorchCheckpoint.read(ckpt)) {
            Map<String, TorchTensor> stateDict = checkpoint.stateDict();
            Map<String, Found> found = new LinkedHashMap<>();
            stateDict.forEach((name, t) -> found.put(name, new Found(ckpt, t.dtype().toString(), t.shape(),
                    isFloat(t.dtype()))));
            if (!holdsDecoder(found)) {
                throw new InvalidVqTokenizerException(ckpt, "decoder.*", "is missing: this checkpoint holds no"
                        + " decoder, so it cannot draw images; use the release's own tokenizer/vqgan.ckpt, which"
                        + " holds the whole VQGAN");
            }
            check(config, true, found, "", yaml, ckpt);
            return VqStateDict.load(config, (key, shape) -> checkpoint.floats(stateDict.get(key)), null);
        }
    }

    /** One weight as its file describes it. */
    private record Found(Path file, String dtype, long[] shape, boolean isFloat) {
    }

    private static boolean isFloat(TorchDtype d) {
        return d == TorchDtype.F32 || d == TorchDtype.F16 || d == TorchDtype.BF16 || d == TorchDtype.F64;
    }

    /** Whether the weights hold a decoder; one that holds only part of it fails {@link #check}'s missing keys. */
    private static boolean holdsDecoder(Map<String, Found> found) {
        return found.keySet().stream().anyMatch(k -> k.startsWith("decoder."));
    }

    /**
     * Checks every weight the model needs against what the files hold, before anything is allocated: the first
     * missing key (with how many are missing), the first misshapen or non-float weight, and the first weight in
     * the network's modules that the model has no place for, each naming its file and the fix.
     */
    private static void check(VqConfig config, boolean withDecoder, Map<String, Found> found, String prefix,
                              Path configFile, Path weightsFile) throws InvalidVqTokenizerException {
        Map<String, long[]> expected = VqStateDict.shapes(config, withDecoder);
        List<String> missing = new ArrayList<>();
        for (String key : expected.keySet()) {
            if (!found.containsKey(key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidVqTokenizerException(weightsFile, prefix + missing.get(0),
                    "is missing" + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more weights, e.g. "
                    + prefix + missing.get(missing.size() - 1) + ")" : "") + ": the network " + configFile
                    .getFileName() + " describes needs it; check that the configuration belongs to these weights"
                    + " (the release ships them side by side) and that the file is complete");
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Found f = found.get(e.getKey());
            if (!f.isFloat()) {
                throw new InvalidVqTokenizerException(f.file(), prefix + e.getKey(), "has dtype " + f.dtype()
                        + ": only floating-point weights (F32, F16, BF16) are read; re-save the tokenizer with"
                        + " its weights as floats");
            }
            if (!Arrays.equals(f.shape(), e.getValue())) {
                throw new InvalidVqTokenizerException(f.file(), prefix + e.getKey(), "has shape "
                        + Arrays.toString(f.shape()) + ", but the network " + configFile.getFileName()
                        + " describes needs " + Arrays.toString(e.getValue()) + ": the configuration and the"
                        + " weights disagree; use the configuration that was saved with these weights");
            }
        }
        for (String key : found.keySet()) {
            if (!expected.containsKey(key) && MODULES.stream().anyMatch(key::startsWith)
                    && (withDecoder || DECODER_MODULES.stream().noneMatch(key::startsWith))) {
                throw new InvalidVqTokenizerException(found.get(key).file(), prefix + key, "is a weight the"
                        + " network " + configFile.getFileName() + " describes has no place for (an attention"
                        + " block at a resolution level, a different quantizer, a conv_shortcut?): our VQ model"
                        + " would ignore it and compute something else; check that the configuration belongs to"
                        + " these weights");
            }
        }
    }
}
