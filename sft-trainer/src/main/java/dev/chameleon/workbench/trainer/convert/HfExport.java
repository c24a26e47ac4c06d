package dev.chameleon.workbench.trainer.convert;

import ai.djl.ndarray.NDManager;
import dev.chameleon.workbench.trainer.finetune.BaseModel;
import dev.chameleon.workbench.trainer.generate.HfFolders;
import dev.chameleon.workbench.trainer.generate.ModelFiles;
import dev.chameleon.workbench.trainer.generate.TokenizerLoader;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.hf.vq.HfVqExport;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.image.VqImageTokenizer;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one of our checkpoints (a step folder, or a run folder's newest) as a Chameleon folder in the Hugging Face
 * layout: config.json, safetensors, the run's tokenizer.json, and our image tokenizer beside them
 * ({@link HfFolders#IMAGE_TOKENIZER}) so the folder also opens in the Playground. It is written for transformers'
 * {@code ChameleonForConditionalGeneration.from_pretrained} (not yet tried there), with our image tokenizer's encoder
 * as {@code model.vqmodel.*} when the release's VQGAN family can express its shape ({@link HfVqExport}); else that
 * part is absent, transformers would initialise it randomly, and images go through our own file.
 */
public final class HfExport {

    private HfExport() {
    }

    /**
     * Adds our image tokenizer's encoder as {@code vq_config} and {@code model.vqmodel.*} when the release's VQGAN
     * family can express its shape (transformers then builds it instead of a random one); otherwise the folder goes
     * without, and our own file beside config.json stays the image tokenizer.
     */
    private static void vqmodel(Path imageFile, TokenizerLoader tokenizers, Map<String, Object> config,
            Map<String, Pair<long[], float[]>> tensors) throws IOException {
        try (ImageTokenizer image = tokenizers.image(imageFile)) {
            if (image instanceof VqImageTokenizer vq && HfVqExport.notExportable(vq.config()).isEmpty()) {
                config.put("vq_config", HfVqExport.vqConfigJson(vq.config()));
                tensors.putAll(HfVqExport.tensors(vq));
            }
        }
    }

    /**
     * Exports {@code checkpoint} to {@code out} (which must not exist or be empty) in {@code dtype}: F32 reads back
     * with identical logits, BF16 is half the size.
     */
    public static void export(Path checkpoint, Path out, Dtype dtype, long maxShardBytes, TokenizerLoader tokenizers)
            throws IOException {
        ModelFiles files = ModelFiles.resolve(checkpoint);
        TextTokenizer text = files.textTokenizer(tokenizers);
        try (NDManager manager = NDManager.newBaseManager()) {
            // A LoRA checkpoint is its base plus the adapters, merged here (W + (alpha / r) B A) before writing.
            ChameleonModel net = BaseModel.loadMerged(files.checkpoint(), files.model(), manager);
            Map<String, Path> copies = new LinkedHashMap<>();
            copies.put(HfCheckpoint.TOKENIZER, files.textTokenizer());
            copies.put(HfFolders.IMAGE_TOKENIZER, files.imageTokenizer());
            Map<String, Object> extraConfig = new LinkedHashMap<>();
            Map<String, Pair<long[], float[]>> extraTensors = new LinkedHashMap<>();
            vqmodel(files.imageTokenizer(), tokenizers, extraConfig, extraTensors);
            HfCheckpoint.write(net, text, copies, out, dtype, maxShardBytes, extraConfig, extraTensors);
        }
    }
}
