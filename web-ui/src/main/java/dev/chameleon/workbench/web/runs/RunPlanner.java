package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.store.DatasetSummary;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.config.ConfigLoader;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.hf.HfChameleonConfig;
import dev.chameleon.workbench.trainer.config.InvalidValueException;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.tokens.image.VqConfig;
import dev.chameleon.workbench.trainer.train.MemoryEstimate;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import dev.chameleon.workbench.web.generation.ImportedCheckpoints;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a run request means before anything is written: the presets it may name (configs/recipes, configs/models
 * on the class path), whether it can train, and the {@link TrainConfig} it resolves to.
 */
final class RunPlanner {

    /** Image categories whose examples hold images. */
    private static final List<String> IMAGE_CATEGORIES = List.of("visual_chat", "image_generation",
            "interleaved_generation");
    /** Room a turn needs beside its image: role header, a question or caption. */
    private static final int TURN_MARGIN = 32;

    private final Curation curation;
    private final Tokenizers tokenizers;
    private final Path runsDir;

    RunPlanner(Curation curation, Tokenizers tokenizers, Path runsDir) {
        this.curation = curation;
        this.tokenizers = tokenizers;
        this.runsDir = runsDir;
    }

    List<String> datasets() {
        return curation.datasets().stream().map(s -> s.dataset().name()).toList();
    }

    List<String> presets() {
        return presetNames("recipes");
    }

    List<String> models() {
        return presetNames("models");
    }

    TrainConfig preset(String name) {
        return ConfigLoader.preset("recipes", name, TrainConfig.class);
    }

    RunRequest defaults(String dataset, String presetName) {
        TrainConfig p = preset(presetName);
        return new RunRequest(dataset, presetName, p.model(), p.steps(), p.lr(), p.seqLen(), p.mix(), "");
    }

    /**
     * The memory a step of this run needs: the model preset with the run preset's dropout, {@code seqLen} tokens
     * per window and the run preset's micro-batch, full fine-tuning in fp32. The vocabulary is the model preset's,
     * which the workspace's tokenizer may later narrow, so the estimate errs high.
     */
    MemoryEstimate memory(String presetName, String modelName, int seqLen, String initFrom) {
        TrainConfig p = preset(presetName);
        boolean fromCheckpoint = initFrom != null && !initFrom.isBlank();
        Path here = runsDir.toAbsolutePath();
        TrainConfig run = resolve(new RunRequest("", presetName, fromCheckpoint ? null : modelName, p.steps(), p.lr(),
                seqLen, p.mix(), fromCheckpoint ? initFrom : ""), here, here, here, here);
        ModelConfig m = run.resolveModel();
        return MemoryEstimate.forRun(run, m, imageCodes(initFrom));
    }

    /** The image codes of the vocabulary a run trains: the checkpoint's (Hugging Face config) or the workspace's. */
    private int imageCodes(String initFrom) {
        try {
            if (initFrom != null && !initFrom.isBlank() && HfCheckpoint.isHfFolder(Path.of(initFrom))) {
                return HfChameleonConfig.read(Path.of(initFrom)).imageTokenRange()
                        .map(HfChameleonConfig.ImageTokenRange::count).orElse(0);
            }
            return VqConfig.preset(tokenizers.recipe().imageConfig()).codebookSize();
        } catch (java.io.IOException | RuntimeException e) {
            return 0;                                                           // counts only for the image-head recipe
        }
    }

    /** Checks a request without launching it; throws naming the form field and what to change. */
    void validate(RunRequest r) {
        if (r.dataset() == null || r.dataset().isBlank()) {
            throw new InvalidRunException("dataset", "Choose the dataset to train on");
        }
        DatasetSummary summary = curation.dataset(r.dataset()).orElseThrow(() -> new InvalidRunException("dataset",
                "There is no dataset named '" + r.dataset() + "'; choose one of " + String.join(", ", datasets())));
        if (summary.count(ReviewStatus.ACCEPTED) == 0) {
            throw new InvalidRunException("dataset", "Dataset '" + r.dataset() + "' has no accepted examples, and a run "
                    + "trains on a snapshot of the accepted ones; accept some in the Datasets view");
        }
        if (r.preset() == null || r.preset().isBlank()) {
            throw new InvalidRunException("preset", "Choose a run preset, e.g. " + RunService.DEFAULT_PRESET);
        }
        try {
            preset(r.preset());
        } catch (RuntimeException e) {
            throw new InvalidRunException("preset", "Run preset '" + r.preset() + "' cannot be used: " + e.getMessage());
        }
        boolean noModel = r.model() == null || r.model().isBlank();
        if (noModel && r.initFrom().isEmpty()) {
            throw new InvalidRunException("model", "Choose a model size, e.g. tiny");
        }
        if (!noModel) {
            if (!models().contains(r.model())) {
                throw new InvalidRunException("model", "There is no model preset '" + r.model() + "'; choose one of "
                        + String.join(", ", models()));
            }
            ConfigLoader.preset("models", r.model(), ModelConfig.class);
        }
        checkInitFrom(r);
        Path here = runsDir.toAbsolutePath();
        TrainConfig config = resolve(r, here, here, here, here);
        if (config.initFrom() != null) {
            // The shape comes from the checkpoint (config.json or provenance.json, read without the engine); a model
            // size that names another shape is refused here rather than when the trainer starts.
            try {
                config.resolveModel();
            } catch (InvalidValueException e) {
                throw new InvalidRunException(formField(e.key()), e.getMessage());
            } catch (RuntimeException e) {
                throw new InvalidRunException("init_from", "Cannot start from " + config.initFrom() + ": "
                        + e.getMessage());
            }
        }
        checkImagesFit(r);
    }

    /**
     * Refuses a window too short for an image and its turn when image categories are sampled: the trainer would
     * cut every image out. Checked against the tokenizer preset the workspace's image tokenizer will be trained
     * with; an image tokenizer already there is not read here (that needs the engine).
     */
    private void checkImagesFit(RunRequest r) {
        boolean images = IMAGE_CATEGORIES.stream().anyMatch(c -> r.mix().getOrDefault(c, 0.0) > 0);
        if (!images || Files.isDirectory(tokenizers.image())) {
            return;
        }
        String vqPreset;
        int block;
        try {
            vqPreset = tokenizers.recipe().imageConfig();
            block = VqConfig.preset(vqPreset).codesPerImage() + 2;
        } catch (RuntimeException e) {
            return; // A broken tokenizer preset fails the run with its own message when it is trained.
        }
        if (r.seqLen() < block + TURN_MARGIN) {
            int enough = (block + TURN_MARGIN + 63) / 64 * 64;
            throw new InvalidRunException("seq_len", "seq_len " + r.seqLen() + " cannot hold an image and its turn: "
                    + "each image takes " + block + " tokens (begin-image, " + (block - 2) + " codes of the '" + vqPreset
                    + "' image tokenizer, end-image), so the trainer would cut the images out; use at least " + enough
                    + ", or set the weights of Visual Chat, Image Generation and Interleaved Generation to 0");
        }
    }

    /**
     * Refuses a starting checkpoint that is not one: a folder trained here ({@code RUN/checkpoints/step-N}, holding
     * model.bin) or one in the Hugging Face layout that {@link ImportedCheckpoints#inspect} accepts.
     */
    private static void checkInitFrom(RunRequest r) {
        if (r.initFrom().isEmpty()) {
            return;
        }
        Path dir = Path.of(r.initFrom());
        if (!dir.isAbsolute() || !Files.isDirectory(dir)) {
            throw new InvalidRunException("init_from", r.initFrom() + " is not a checkpoint folder (it is gone, or the "
                    + "path is not absolute); choose a checkpoint from the list, or Random initialisation");
        }
        if (Files.isRegularFile(dir.resolve(Checkpoint.MODEL))) {
            return;
        }
        try {
            ImportedCheckpoints.inspect(dir);
        } catch (IllegalArgumentException e) {
            throw new InvalidRunException("init_from", "Cannot start from " + dir + ": " + e.getMessage());
        }
    }

    /**
     * The run config a request resolves to: the preset with the request's overrides and these paths. The
     * schedule keeps its shape: min_lr scales with lr, and the warm-up with the steps. A request that starts from a
     * checkpoint carries it as {@code init_from} (the preset's own init_from, a placeholder path, is not used), with
     * the preset's {@code lora} and {@code train_only}; from a folder in the Hugging Face layout the run reads that
     * folder's tokenizer.json, since the checkpoint's token ids are those of its own tokenizer.
     */
    TrainConfig resolve(RunRequest r, Path snapshot, Path textTokenizer, Path imageTokenizer, Path outDir) {
        TrainConfig p = preset(r.preset());
        String from = r.initFrom().isEmpty() ? null : r.initFrom();
        String model = r.model() == null || r.model().isBlank() ? null : r.model();
        Path text = textTokenizer;
        if (from != null && Files.isRegularFile(Path.of(from).resolve(HfCheckpoint.TOKENIZER))
                && Files.isRegularFile(Path.of(from).resolve(HfCheckpoint.CONFIG))) {
            text = Path.of(from).resolve(HfCheckpoint.TOKENIZER);
        }
        double minLr = p.lr() > 0 && r.lr() > 0 && Double.isFinite(r.lr()) ? p.minLr() * (r.lr() / p.lr()) : 0;
        int warmup = r.steps() == p.steps() ? p.warmupSteps()
                : (int) Math.max(0, Math.min(r.steps(), Math.round((double) p.warmupSteps() * r.steps() / p.steps())));
        try {
            return new TrainConfig(model, snapshot.toAbsolutePath().toString(),
                    text.toAbsolutePath().toString(), imageTokenizer.toAbsolutePath().toString(), r.mix(),
                    r.seqLen(), p.batchSize(), p.gradAccum(), r.steps(), r.lr(), minLr, warmup, p.beta1(), p.beta2(),
                    p.eps(), p.weightDecay(), p.decayNormsAndEmbeddings(), p.clipNorm(), p.zLossWeight(), p.dropout(),
                    p.seed(), p.checkpointEvery(), p.keepLast(), outDir.toAbsolutePath().toString(), p.devices(),
                    from, p.lora(), p.trainOnly());
        } catch (InvalidValueException e) {
            throw new InvalidRunException(formField(e.key()), e.getMessage());
        }
    }

    /**
     * The form field that sets a TrainConfig key: keys the form does not show map to the field that sets them
     * (min_lr follows lr, warmup_steps follows steps, and a preset's lora or train_only, which need a checkpoint to
     * start from, point at Start from); {@code mix/CATEGORY} is that category's weight field.
     */
    static String formField(String key) {
        if (key.startsWith("mix/")) {
            return "mix." + key.substring("mix/".length());
        }
        return switch (key) {
            case "min_lr" -> "lr";
            case "warmup_steps" -> "steps";
            case "lora", "train_only" -> "init_from";
            default -> key.startsWith("lora/") ? "init_from" : key;
        };
    }

    private static List<String> presetNames(String folder) {
        try {
            Resource[] found = new PathMatchingResourcePatternResolver(RunPlanner.class.getClassLoader())
                    .getResources("classpath*:configs/" + folder + "/*.yaml");
            TreeSet<String> names = new TreeSet<>();
            for (Resource r : found) {
                String n = r.getFilename();
                if (n != null && n.endsWith(".yaml")) {
                    names.add(n.substring(0, n.length() - ".yaml".length()));
                }
            }
            return List.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list configs/" + folder + " on the class path", e);
        }
    }
}
