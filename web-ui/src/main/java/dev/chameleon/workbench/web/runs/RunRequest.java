package dev.chameleon.workbench.web.runs;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a user asks for when launching a run: a dataset, a run preset, and the overrides the form offers.
 * Everything else (batch size, optimizer, schedule shape, seed, checkpoints) comes from the preset.
 *
 * @param mix sampling weight per category wire name ({@code text}, {@code visual_chat}, ...)
 */
public record RunRequest(String dataset, String preset, String model, int steps, double lr, int seqLen,
                         Map<String, Double> mix) {

    public RunRequest {
        mix = mix == null ? Map.of() : new TreeMap<>(mix);
    }

    public RunRequest withSteps(int n) {
        return new RunRequest(dataset, preset, model, n, lr, seqLen, mix);
    }

    public RunRequest withLr(double v) {
        return new RunRequest(dataset, preset, model, steps, v, seqLen, mix);
    }

    public RunRequest withSeqLen(int n) {
        return new RunRequest(dataset, preset, model, steps, lr, n, mix);
    }

    public RunRequest withModel(String m) {
        return new RunRequest(dataset, preset, m, steps, lr, seqLen, mix);
    }

    public RunRequest withMix(Map<String, Double> m) {
        return new RunRequest(dataset, preset, model, steps, lr, seqLen, m);
    }
}
