package dev.chameleon.workbench.web.runs;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a user asks for when launching a run: a dataset, a run preset, and the overrides the form offers.
 * Everything else (batch size, optimizer, schedule shape, seed, checkpoints) comes from the preset.
 *
 * @param mix      sampling weight per category wire name ({@code text}, {@code visual_chat}, ...)
 * @param initFrom the checkpoint folder the run starts from (one trained here, or an imported one in the Hugging Face
 *                 layout), the run config's {@code init_from}; empty for a random initialisation
 */
public record RunRequest(String dataset, String preset, String model, int steps, double lr, int seqLen,
                         Map<String, Double> mix, String initFrom) {

    public RunRequest {
        mix = mix == null ? Map.of() : new TreeMap<>(mix);
        initFrom = initFrom == null ? "" : initFrom.strip();
    }

    /** A run from a random initialisation. */
    public RunRequest(String dataset, String preset, String model, int steps, double lr, int seqLen,
                      Map<String, Double> mix) {
        this(dataset, preset, model, steps, lr, seqLen, mix, "");
    }

    public RunRequest withSteps(int n) {
        return new RunRequest(dataset, preset, model, n, lr, seqLen, mix, initFrom);
    }

    public RunRequest withLr(double v) {
        return new RunRequest(dataset, preset, model, steps, v, seqLen, mix, initFrom);
    }

    public RunRequest withSeqLen(int n) {
        return new RunRequest(dataset, preset, model, steps, lr, n, mix, initFrom);
    }

    public RunRequest withModel(String m) {
        return new RunRequest(dataset, preset, m, steps, lr, seqLen, mix, initFrom);
    }

    public RunRequest withMix(Map<String, Double> m) {
        return new RunRequest(dataset, preset, model, steps, lr, seqLen, m, initFrom);
    }

    /** The same run starting from the checkpoint folder {@code path} (empty: a random initialisation). */
    public RunRequest withInitFrom(String path) {
        return new RunRequest(dataset, preset, model, steps, lr, seqLen, mix, path);
    }
}
