package dev.chameleon.workbench.trainer.handoff;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chameleon.workbench.trainer.checkpoint.Checkpoint;
import dev.chameleon.workbench.trainer.checkpoint.CheckpointInfo;
import dev.chameleon.workbench.trainer.convert.HfExport;
import dev.chameleon.workbench.trainer.generate.TokenizerLoader;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import dev.chameleon.workbench.trainer.model.ModelConfig;
import dev.chameleon.workbench.trainer.pack.PackedWindow;
import dev.chameleon.workbench.trainer.recipe.SftRecipe;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import dev.chameleon.workbench.trainer.train.Provenance;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import dev.chameleon.workbench.trainer.train.WindowStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Hands a run over to a trainer built on transformers (torchrun with FSDP, DeepSpeed): writes the windows the run
 * draws, its resolved recipe and its tokenizers into a new folder.
 * <pre>
 *   OUT/README.md                                how to load the data and continue training
 *   OUT/data.json                                the manifest: format, T, N, token ids, steps, seed, shards, hashes
 *   OUT/data/windows-00001-of-0000K.safetensors  int32 input_ids, labels, position_ids, document_ids, each (n, T)
 *   OUT/recipe.yaml                              the resolved recipe (train: the run config, model: its model)
 *   OUT/tokenizers/                              the run's tokenizer.json and image/ (the VQ checkpoint)
 *   OUT/model/                                   the run's newest checkpoint in the Hugging Face layout, if any
 * </pre>
 * Window i of the export is window i of the run (step s trains windows s*E .. s*E+E-1, E = batch_size *
 * grad_accum): the same {@link WindowStream} over the same rendered examples ({@link SftRecipe#render}). The folder
 * is written beside OUT under a hidden name and moved into place at the end, so a failed or cancelled export
 * leaves nothing behind. The format is described in docs/handoff.md; {@link WindowShards} draws a window's rows.
 */
public final class RunExport {

    /** The manifest's {@code format}. */
    public static final String FORMAT = "chameleon-workbench-packed-windows";
    /** The manifest's {@code format_version}; a reader refuses versions it does not know. */
    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST = "data.json";
    public static final String DATA = "data";
    public static final String RECIPE = "recipe.yaml";
    public static final String README = "README.md";
    /** The checkpoint in the Hugging Face layout ({@link HfExport}), when the run has one. */
    public static final String MODEL = "model";

    /** Tensor bytes per shard when {@link Options#windowsPerShard()} is 0: 256 MiB (4,096 windows at T = 4,096). */
    static final long SHARD_BYTES = 256L << 20;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunExport() {
    }

    /** Hears how an export goes; called on the exporting thread. */
    public interface Listener {
        /** A line saying what the export does next. */
        void phase(String line);

        /** Images encoded so far while the snapshot is rendered. */
        void imagesEncoded(int done);

        /** Windows written so far, of {@code total}. */
        void windowsWritten(long done, long total);

        /** A listener that hears nothing. */
        Listener SILENT = new Listener() {
            @Override
            public void phase(String line) {
            }

            @Override
            public void imagesEncoded(int done) {
            }

            @Override
            public void windowsWritten(long done, long total) {
            }
        };
    }

    /**
     * What to export.
     *
     * @param windows         windows to write from window 0; 0 for as many as the recipe trains on
     *                        (steps * batch_size * grad_accum)
     * @param windowsPerShard windows per safetensors shard; 0 for shards of about 256 MiB
     * @param modelDtype      weight type of the checkpoint written into {@code model/}: F32 (exact), BF16 or F16
     */
    public record Options(long windows, int windowsPerShard, Dtype modelDtype) {

        public Options {
            if (windows < 0) {
                throw new IllegalArgumentException("--windows (" + windows + ") must be at least 1; leave it out"
                        + " for as many windows as the recipe trains on");
            }
            if (windowsPerShard < 0) {
                throw new IllegalArgumentException("windows per shard (" + windowsPerShard + ") must be at least 1,"
                        + " or 0 for shards of about 256 MiB");
            }
            if (modelDtype != Dtype.F32 && modelDtype != Dtype.BF16 && modelDtype != Dtype.F16) {
                throw new IllegalArgumentException("model weight type " + modelDtype + " is not written; use F32,"
                        + " BF16 or F16");
            }
        }

        /** As many windows as the recipe trains on, in shards of about 256 MiB, the model in F32. */
        public static Options recipe() {
            return new Options(0, 0, Dtype.F32);
        }
    }

    /**
     * What an export wrote.
     *
     * @param dir            the export folder
     * @param windows        windows written (N)
     * @param windowsPerStep windows one optimizer step of the recipe trains on (batch_size * grad_accum)
     * @param shards         safetensors files under {@code data/}
     * @param realTokens     tokens that are not padding
     * @param labelledTokens tokens with a label (not -100)
     * @param checkpoint     the run's newest checkpoint when the export was made, if it had one
     */
    public record Result(Path dir, long windows, int windowsPerStep, int shards, long realTokens, long labelledTokens,
                         Optional<CheckpointInfo> checkpoint) {
    }

    /**
     * Exports the run that {@code runConfig} describes (its run.yaml; checkpoints are looked for in its out_dir)
     * into {@code out}, which must not exist or be an empty folder.
     *
     * @param tokenizers opens the run's tokenizer files ({@link TokenizerLoader#REAL} for the real ones)
     * @param cancelled  polled while the export runs; when it turns true the export stops, removes what it wrote
     *                   and throws {@link ExportCancelledException}
     * @throws IllegalArgumentException naming the file or field at fault, and the fix
     */
    public static Result write(Path runConfig, Path out, Options options, TokenizerLoader tokenizers,
            Listener listener, BooleanSupplier cancelled) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        requireFreshFolder(target);
        TrainConfig c = TrainConfig.load(runConfig);
        Path textFile = Path.of(c.textTokenizer());
        Path imageFile = SftRecipe.imageTokenizerFile(c);
        requireFile(runConfig, "snapshot", Path.of(c.snapshot()).resolve("examples.jsonl"),
                "the run's snapshot is gone; snapshots are never deleted by the workbench, so restore the folder");
        requireFile(runConfig, "text_tokenizer", textFile, "restore the tokenizer the run was trained with");
        requireFile(runConfig, "image_tokenizer", imageFile, "restore the image tokenizer the run was trained with");

        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        Checkpoint.deleteTree(partial); // what an export killed earlier left behind
        Files.createDirectories(partial);
        boolean moved = false;
        try {
            Result r;
            TextTokenizer text = tokenizers.text(textFile);
            try (ImageTokenizer image = tokenizers.image(imageFile)) {
                r = writeInto(partial, runConfig, c, options, text, image, textFile, imageFile, listener, cancelled);
            }
            if (r.checkpoint().isPresent()) {
                CheckpointInfo ck = r.checkpoint().get();
                listener.phase("writing the checkpoint of step " + ck.step() + " in the Hugging Face layout ("
                        + options.modelDtype() + ") into " + MODEL + "/");
                stopIf(cancelled);
                HfExport.export(ck.dir(), partial.resolve(MODEL), options.modelDtype(),
                        HfCheckpoint.DEFAULT_SHARD_BYTES, tokenizers);
            }
            stopIf(cancelled);
            if (Files.isDirectory(target)) {
                Files.delete(target); // empty, checked above
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            return new Result(target, r.windows(), r.windowsPerStep(), r.shards(), r.realTokens(),
                    r.labelledTokens(), r.checkpoint());
        } finally {
            if (!moved) {
                Checkpoint.deleteTree(partial);
            }
        }
    }

    /** The export, top to bottom, into the (empty) folder {@code dir}. */
    private static Result writeInto(Path dir, Path runConfig, TrainConfig c, Options options, TextTokenizer text,
            ImageTokenizer image, Path textFile, Path imageFile, Listener listener, BooleanSupplier cancelled)
            throws IOException {
        // ---- render the snapshot as the run does, and build the run's window stream
        listener.phase("rendering " + c.snapshot());
        SftRecipe.Rendered rendered = SftRecipe.render(c, text, image, n -> {
            stopIf(cancelled);
            listener.imagesEncoded(n);
        });
        VocabularyLayout layout = text.layout();
        ModelConfig model = SftRecipe.model(c, text);
        WindowStream stream = WindowStream.of(c, rendered.examples(), layout.pad());

        // ---- the windows, shard by shard
        int t = c.seqLen();
        int perStep = c.effectiveBatch();
        long n = options.windows() > 0 ? options.windows() : (long) c.steps() * perStep;
        int perShard = options.windowsPerShard() > 0 ? options.windowsPerShard()
                : (int) Math.max(1, SHARD_BYTES / ((long) t * Integer.BYTES * WindowShards.TENSORS.size()));
        long shardCount = (n + perShard - 1) / perShard;
        if (shardCount > 99_999) {
            throw new IllegalArgumentException("--windows " + n + " would need " + shardCount + " shards of "
                    + perShard + " windows; export at most " + 99_999L * perShard + " windows at once");
        }
        int shards = (int) shardCount;
        Path data = Files.createDirectories(dir.resolve(DATA));
        listener.phase(String.format(Locale.ROOT, "writing %,d windows of %,d tokens (%,d steps of %d windows) into %d"
                + " shard(s)", n, t, n / perStep, perStep, shards));
        ArrayNode shardList = JSON.createArrayNode();
        long real = 0;
        long labelled = 0;
        long next = 0;
        for (int s = 0; s < shards; s++) {
            int rows = (int) Math.min(perShard, n - next);
            String name = String.format(Locale.ROOT, "windows-%05d-of-%05d.safetensors", s + 1, shards);
            Path file = data.resolve(name);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("first_window", Long.toString(next));
            meta.put("windows", Integer.toString(rows));
            WindowShards shard = new WindowShards(file, rows, t, meta);
            try {
                for (int r = 0; r < rows; r++) {
                    stopIf(cancelled);
                    PackedWindow w = stream.window(next + r);
                    shard.add(w);
                    listener.windowsWritten(next + r + 1, n);
                }
                shard.finish();
            } finally {
                shard.abandon();
            }
            real += shard.realTokens();
            labelled += shard.labelledTokens();
            ObjectNode entry = shardList.addObject();
            entry.put("file", DATA + "/" + name);
            entry.put("first_window", next);
            entry.put("windows", rows);
            entry.put("sha256", Provenance.sha256(file));
            next += rows;
        }

        // ---- recipe, tokenizers, manifest, README
        listener.phase("writing the recipe, tokenizers and manifest");
        Optional<CheckpointInfo> checkpoint = CheckpointInfo.latest(Path.of(c.outDir()));
        String resolved = Provenance.resolvedConfig(c, model);
        Files.writeString(dir.resolve(RECIPE), "# The resolved recipe of the run " + runConfig.toAbsolutePath()
                + ": train (the run config)\n# and model (the model it trains). Paths are those of the machine the"
                + " run was made on. SHA-256 of the\n# YAML below this header: " + Provenance.sha256(
                        resolved.getBytes(StandardCharsets.UTF_8)) + " (config_sha256 in each checkpoint's"
                + " provenance.json).\n" + resolved, StandardCharsets.UTF_8);
        SftRecipe.copyTokenizers(dir, textFile, imageFile);
        ObjectNode manifest = manifest(c, model, layout, n, perStep, shards, real, labelled, checkpoint, resolved,
                textFile, imageFile);
        manifest.set("shards", shardList);
        JSON.writeValue(dir.resolve(MANIFEST).toFile(), manifest);
        Files.writeString(dir.resolve(README), HandoffReadme.text(manifest), StandardCharsets.UTF_8);
        return new Result(dir, n, perStep, shards, real, labelled, checkpoint);
    }

    /** data.json without its shard list; every key is described in docs/handoff.md. */
    private static ObjectNode manifest(TrainConfig c, ModelConfig model, VocabularyLayout layout, long n, int perStep,
            int shards, long real, long labelled, Optional<CheckpointInfo> checkpoint, String resolved, Path textFile,
            Path imageFile) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("format_version", FORMAT_VERSION);
        m.put("window_length", c.seqLen());
        m.put("windows", n);
        m.put("windows_per_step", perStep);
        m.put("batch_size", c.batchSize());
        m.put("grad_accum", c.gradAccum());
        m.put("steps_covered", n / perStep);
        m.put("recipe_steps", c.steps());
        m.put("seed", c.seed());
        m.put("labels", "unshifted");
        m.put("ignore_index", WindowShards.IGNORE);
        m.put("pad_document_id", PackedWindow.PAD_DOCUMENT);
        m.put("vocab_size", model.vocabSize());
        ObjectNode ids = m.putObject("token_ids");
        ids.put("bos", layout.bos());
        ids.put("pad", layout.pad());
        ids.put("eos", layout.eos());
        ids.put("begin_image", layout.beginImage());
        ids.put("end_image", layout.endImage());
        ids.put("end_of_turn", layout.endOfTurn());
        ObjectNode images = m.putObject("image_token_range");
        images.put("start", layout.imageCodeStart());
        images.put("stop", layout.imageCodeStart() + layout.codebookSize());
        m.put("real_tokens", real);
        m.put("labelled_tokens", labelled);
        m.put("padding_fraction", n == 0 ? 0 : 1 - real / ((double) n * c.seqLen()));
        if (checkpoint.isPresent()) {
            ObjectNode ck = m.putObject("checkpoint");
            ck.put("step", checkpoint.get().step());
            ck.put("next_window", checkpoint.get().step() * perStep);
            ck.put("dir", checkpoint.get().dir().toString());
            ck.put("exported_to", MODEL);
        } else {
            m.putNull("checkpoint");
        }
        ObjectNode p = m.putObject("provenance");
        p.put("snapshot", c.snapshot());
        p.put("snapshot_hash", Provenance.snapshotHash(Path.of(c.snapshot())));
        p.put("config_sha256", Provenance.sha256(resolved.getBytes(StandardCharsets.UTF_8)));
        ObjectNode tok = p.putObject("tokenizers");
        tok.put("text:" + textFile.getFileName(), Provenance.sha256(textFile));
        tok.put("image:" + imageFile.getFileName(), Provenance.sha256(imageFile));
        p.put("code_version", Provenance.buildVersion());
        return m;
    }

    private static void requireFreshFolder(Path target) throws IOException {
        if (target.getParent() == null) {
            throw new IllegalArgumentException("--out " + target + " is a file-system root; give a new folder");
        }
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException("--out " + target + " is a file; give a new or empty folder");
        }
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + target + " is not empty; give a new or empty folder"
                            + " (an export never mixes with other files), or remove that one first");
                }
            }
        }
    }

    private static void requireFile(Path runConfig, String field, Path file, String fix) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(runConfig + ": " + field + ": " + file + " does not exist; " + fix);
        }
    }

    private static void stopIf(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new ExportCancelledException("export cancelled; nothing was written");
        }
    }
}
