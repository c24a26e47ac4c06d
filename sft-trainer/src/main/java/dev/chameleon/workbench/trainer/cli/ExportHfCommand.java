package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.convert.HfExport;
import dev.chameleon.workbench.trainer.generate.TokenizerLoader;
import dev.chameleon.workbench.trainer.hf.HfCheckpoint;
import dev.chameleon.workbench.trainer.hf.safetensors.Dtype;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code export-hf --checkpoint DIR --out DIR [--dtype f32|bf16] [--shard-gb N]}: writes a checkpoint of ours as a
 * Chameleon folder in the Hugging Face layout ({@link HfExport}).
 */
@Command(name = "export-hf", mixinStandardHelpOptions = true,
        description = "Write a trained checkpoint as a Hugging Face Chameleon folder (config.json, safetensors, "
        + "tokenizer.json) laid out for transformers' ChameleonForConditionalGeneration.")
final class ExportHfCommand implements Callable<Integer> {

    /** Storage types offered on the command line. */
    enum StoredType { f32, bf16, f16 }

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "A step folder (RUN/checkpoints/step-N) or a run folder (its newest checkpoint).")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty folder.")
    Path out;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "TYPE",
            description = "Weight type: f32 (reads back with identical logits), bf16 or f16 (half the size).")
    StoredType dtype;

    @Option(names = "--shard-gb", defaultValue = "5", paramLabel = "N",
            description = "Largest shard in GB (Hugging Face's default 5).")
    double shardGb;

    @Override
    public Integer call() throws Exception {
        if (!(shardGb > 0)) {
            throw new IllegalArgumentException("--shard-gb must be positive, given " + shardGb);
        }
        Dtype type = switch (dtype) {
            case bf16 -> Dtype.BF16;
            case f16 -> Dtype.F16;
            default -> Dtype.F32;
        };
        root.err.println("exporting " + checkpoint + " to " + out + " (" + type + ")");
        HfExport.export(checkpoint, out, type, (long) (shardGb * 1e9), TokenizerLoader.REAL);
        root.out.println("wrote " + out + " (" + HfCheckpoint.CONFIG + ", safetensors, " + HfCheckpoint.TOKENIZER + ")");
        return 0;
    }
}
