package dev.chameleon.workbench.trainer.generate;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.finetune.BaseModel;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.hf.vq.HfVqImport;
import java.util.Optional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the model a {@link Generator} decodes with: from a checkpoint of ours (its model config, tokenizers and
 * weights, found by {@link ModelFiles} and read through {@link Checkpoint}), from a folder in the Hugging Face layout
 * ({@link HfCheckpoint}), or randomly initialised for tests and benchmarks.
 */
final class ModelLoader {

    private ModelLoader() {
    }

    /** The model of a checkpoint (ours, or a folder in the Hugging Face layout), with its tokenizers. */
    static Generator load(Path checkpointDir, TokenizerLoader tokenizers) {
        if (HfCheckpoint.isHfFolder(checkpointDir)) {
            return loadHf(checkpointDir, tokenizers);
        }
        ModelFiles files = ModelFiles.resolve(checkpointDir);
        TextTokenizer text = files.textTokenizer(tokenizers);
        ImageTokenizer img;
        try {
            img = tokenizers.image(files.imageTokenizer());
        } catch (IOException | RuntimeException e) {
            throw new GenerationException("the image tokenizer " + files.imageTokenizer() + " cannot be loaded ("
                    + e.getMessage() + "); use the image tokenizer the run was trained with", e);
        }
        try {
            checkCompatible(files.model(), text, img, files.checkpoint().toString());
            NDManager manager = NDManager.newBaseManager();
            try {
                ChameleonModel net;
                try {
                    // A LoRA or image-head checkpoint holds only what trained: its base comes first, adapters merged.
                    net = BaseModel.loadMerged(files.checkpoint(), files.model(), manager);
                } catch (IOException e) {
                    throw new GenerationException(files.checkpoint() + " cannot be read (" + e.getMessage()
                            + "); the checkpoint is damaged or from another version, use another one", e);
                }
                return new Generator(manager, net, files.model(), text, img, true);
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        } catch (RuntimeException e) {
            img.close();
            throw e;
        }
    }

    /**
     * A checkpoint in the Hugging Face layout: config.json gives the shape, tokenizer.json the text tokenizer; the image
     * tokenizer is, in this order, our own file beside them ({@value HfFolders#IMAGE_TOKENIZER}, written by our export),
     * the release's VQGAN ({@code tokenizer/vqgan.ckpt} + {@code vqgan.yaml}, or the same names beside config.json),
     * or the checkpoint's own {@code model.vqmodel.*} encoder, which encodes but cannot draw.
     */
    private static Generator loadHf(Path dir, TokenizerLoader tokenizers) {
        Path textFile = dir.resolve(HfCheckpoint.TOKENIZER);
        if (!Files.isRegularFile(textFile)) {
            throw new GenerationException(dir + " has no " + HfCheckpoint.TOKENIZER + "; copy the tokenizer.json that"
                    + " belongs to this checkpoint into the folder");
        }
        TextTokenizer text;
        try {
            text = tokenizers.text(textFile);
        } catch (IOException | RuntimeException e) {
            throw new GenerationException("the text tokenizer " + textFile + " cannot be loaded (" + e.getMessage()
                    + "); use the tokenizer.json of this checkpoint", e);
        }
        ImageTokenizer img = hfImageTokenizer(dir, tokenizers);
        NDManager manager = NDManager.newBaseManager();
        try (HfCheckpoint hf = HfCheckpoint.open(dir)) {
            ModelConfig config = hf.modelConfig();
            checkCompatible(config, text, img, dir.toString());
            ChameleonModel net = new ChameleonModel(config);
            net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);          // every weight is read next
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
            hf.loadInto(net, null);
            return new Generator(manager, net, config, text, img, true);
        } catch (IOException e) {
            manager.close();
            img.close();
            throw new GenerationException(e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            img.close();
            throw e;
        }
    }

    private static ImageTokenizer hfImageTokenizer(Path dir, TokenizerLoader tokenizers) {
        Optional<Path> ours = HfFolders.imageTokenizer(dir);
        try {
            if (ours.isPresent()) {
                return tokenizers.image(ours.get());
            }
            Optional<Path[]> release = HfFolders.releaseVqgan(dir);
            if (release.isPresent()) {
                return HfVqImport.fromLightning(release.get()[0], release.get()[1]);
            }
            return HfVqImport.fromHfCheckpoint(dir);
        } catch (IOException | RuntimeException e) {
            throw new GenerationException("the image tokenizer of " + dir + " cannot be loaded: " + e.getMessage()
                    + (ours.isPresent() ? "" : "; or put the release's tokenizer/vqgan.ckpt and vqgan.yaml in the"
                    + " folder"), e);
        }
    }

    /** A randomly initialised model of {@code config} (seeded); the tokenizers stay the caller's. */
    static Generator untrained(ModelConfig config, long seed, TextTokenizer text, ImageTokenizer image) {
        checkCompatible(config, text, image, "the untrained model");
        NDManager manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed((int) seed);
        ChameleonModel net = new ChameleonModel(config);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
        return new Generator(manager, net, config, text, image, false);
    }

    private static void checkCompatible(ModelConfig config, TextTokenizer text, ImageTokenizer image, String what) {
        VocabularyLayout l = text.layout();
        if (l.size() != config.vocabSize()) {
            throw new GenerationException(what + " has a vocabulary of " + config.vocabSize() + " ids but the text "
                    + "tokenizer has " + l.size() + "; use the tokenizer the model was trained with");
        }
        if (l.codebookSize() != image.codebookSize()) {
            throw new GenerationException("the text tokenizer reserves " + l.codebookSize() + " image codes but the "
                    + "image tokenizer has a codebook of " + image.codebookSize() + "; use the pair the run used");
        }
    }
}
