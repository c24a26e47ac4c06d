package dev.chameleon.workbench.bench;

import dev.chameleon.workbench.bench.curation.CurationBenchmark;
import dev.chameleon.workbench.bench.pack.PackingBenchmark;
import dev.chameleon.workbench.bench.tokens.ImageTokenizerBenchmark;
import dev.chameleon.workbench.bench.tokens.TextTokenizerBenchmark;
import dev.chameleon.workbench.bench.trainer.GenerationBenchmark;
import dev.chameleon.workbench.bench.trainer.HfLoadBenchmark;
import dev.chameleon.workbench.bench.trainer.LoraBenchmark;
import dev.chameleon.workbench.bench.trainer.TrainingBenchmark;
import dev.chameleon.workbench.bench.trainer.TrainingMemoryBenchmark;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java -jar benchmarks/target/benchmarks.jar NAME [OPTIONS]}: runs one benchmark, picked by name, with the
 * rest of the arguments as its options.
 *
 * <p>The benchmarks measure; they are not tests and assert nothing. The scripts in {@code benchmarks/scripts}
 * install what their peers need (PyTorch, sentencepiece, sample images) and start them with tuned JVM options.
 */
public final class Benchmarks {

    /** A benchmark's entry point: its {@code main}. */
    @FunctionalInterface
    private interface Main {
        void run(String[] args) throws Exception;
    }

    private record Entry(Main main, String about) {
    }

    private static final Map<String, Entry> BENCHMARKS = new LinkedHashMap<>();

    static {
        BENCHMARKS.put("curation", new Entry(CurationBenchmark::main,
                "import, search and grid paging on generated data [--text N] [--images N] [--dir DIR] [--json]"));
        BENCHMARKS.put("packing", new Entry(PackingBenchmark::main,
                "best-fit decreasing against first-fit [RECORDS [CAPACITY [SEED]]]"));
        BENCHMARKS.put("text-tokenizer", new Entry(TextTokenizerBenchmark::main,
                "our BPE against spm_train and DJL's HuggingFace tokenizer (benchmarks/scripts/bench-tokenizers.sh)"));
        BENCHMARKS.put("image-tokenizer", new Entry(ImageTokenizerBenchmark::main,
                "VQ image tokenizer trained on photographs and drawings (benchmarks/scripts/bench-image-tokenizer.sh)"));
        BENCHMARKS.put("training", new Entry(TrainingBenchmark::main,
                "training tokens/s and FLOP/s against PyTorch eager (benchmarks/scripts/bench-training.sh)"));
        BENCHMARKS.put("training-memory", new Entry(TrainingMemoryBenchmark::main,
                "native memory over many training steps (benchmarks/scripts/bench-training-memory.sh)"));
        BENCHMARKS.put("hf-load", new Entry(HfLoadBenchmark::main,
                "Hugging Face checkpoint load time and peak memory; memory estimate vs footprint (bench-hf-load.sh)"));
        BENCHMARKS.put("lora", new Entry(LoraBenchmark::main,
                "LoRA against full fine-tuning of the same model: trainable parameters, tokens/s [--model small]"
                + " [--steps 10] [--batch 4] [--seq 256] [--rank 16]"));
        BENCHMARKS.put("generation", new Entry(GenerationBenchmark::main,
                "cached decoding against PyTorch eager (benchmarks/scripts/bench-generation.sh)"));
    }

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(usage());
            return;
        }
        Entry entry = BENCHMARKS.get(args[0]);
        if (entry == null) {
            System.err.println("unknown benchmark '" + args[0] + "'; pick one of " + BENCHMARKS.keySet() + "\n\n" + usage());
            System.exit(2);
        }
        entry.main().run(Arrays.copyOfRange(args, 1, args.length));
    }

    private static String usage() {
        StringBuilder sb = new StringBuilder("Usage: java -jar benchmarks/target/benchmarks.jar NAME [OPTIONS]\n\nBenchmarks:\n");
        BENCHMARKS.forEach((name, e) -> sb.append(String.format("  %-16s %s%n", name, e.about())));
        return sb.toString().stripTrailing();
    }
}
