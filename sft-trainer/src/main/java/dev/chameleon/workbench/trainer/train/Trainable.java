package dev.chameleon.workbench.trainer.train;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.chameleon.workbench.trainer.config.InvalidValueException;
import dev.chameleon.workbench.trainer.model.ChameleonModel;
import java.util.Locale;
import java.util.Map;

/**
 * Which parameters of a run train, and the freezing of the others: every weight (full fine-tuning), the LoRA
 * adapters ({@code lora}), or the output head's image-code rows ({@code train_only: image_head_rows}, Anole's
 * recipe). A frozen parameter's array stops requiring a gradient, so the backward pass neither computes nor keeps
 * one for it, and it is left out of the optimizer.
 */
final class Trainable {

    private Trainable() {
    }

    /** The parameters that train under {@code config}, in model order; every other parameter is frozen. */
    static PairList<String, Parameter> select(TrainConfig config, ChameleonModel net) {
        if (config.lora() != null) {
            freezeAllBut(net, ChameleonModel::isAdapterParameter);
            return net.adapterParameters();
        }
        if (config.trainOnly().equals(TrainConfig.IMAGE_HEAD_ROWS)) {
            freezeAllBut(net, Trainable::isHead);
            PairList<String, Parameter> out = new PairList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (isHead(p.getKey())) {
                    out.add(p);
                }
            }
            return out;
        }
        return net.getParameters();
    }

    /**
     * The rows each parameter trains when not all: the head's image-code rows {@code imageRows} = {from, to}
     * under image_head_rows; empty otherwise.
     */
    static Map<String, long[]> rowRanges(TrainConfig config, ChameleonModel net, int[] imageRows) {
        if (!config.trainOnly().equals(TrainConfig.IMAGE_HEAD_ROWS)) {
            return Map.of();
        }
        if (imageRows == null || imageRows[0] < 0 || imageRows[1] <= imageRows[0]
                || imageRows[1] > net.config().vocabSize()) {
            throw new InvalidValueException("train_only", "train_only: " + TrainConfig.IMAGE_HEAD_ROWS + " needs the"
                    + " image-code token ids of the tokenizer, within the vocabulary of " + net.config().vocabSize()
                    + "; train with a text tokenizer that reserves image codes");
        }
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (isHead(p.getKey())) {
                return Map.of(p.getKey(), new long[] {imageRows[0], imageRows[1]});
            }
        }
        throw new IllegalStateException("the model has no output head");
    }

    /** One line for the console: what trains and how many parameters that is. */
    static String describe(TrainConfig config, ChameleonModel net, long trainedElements) {
        long all = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            all += p.getValue().getArray().size();
        }
        String what = config.lora() != null
                ? "LoRA adapters (rank " + config.lora().rank() + " on " + String.join(", ", config.lora().targets())
                        + ")"
                : config.trainOnly().equals(TrainConfig.IMAGE_HEAD_ROWS) ? "the output head's image-code rows"
                : "every weight";
        return String.format(Locale.ROOT, "training %s: %,d of %,d parameters (%.3f%%)", what, trainedElements, all,
                100.0 * trainedElements / Math.max(1, all));
    }

    static boolean isHead(String name) {
        return name.matches("\\d+head_weight");
    }

    private static void freezeAllBut(ChameleonModel net, java.util.function.Predicate<String> trains) {
        for (Pair<String, Parameter> p : net.getParameters()) {
            p.getValue().freeze(!trains.test(p.getKey()));
        }
    }
}
