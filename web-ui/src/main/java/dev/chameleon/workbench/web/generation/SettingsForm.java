package dev.chameleon.workbench.web.generation;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import dev.chameleon.workbench.trainer.generate.GenerationException;
import dev.chameleon.workbench.trainer.generate.Guidance;
import dev.chameleon.workbench.trainer.generate.Sampling;

import java.util.Locale;
import java.util.Optional;

/**
 * Sampling settings, guidance weights and the token budget of one answer; defaults per docs/chameleon.md#inference
 * (temperature 0.7, top-p 0.9, repetition penalty 1.2, guidance 3.0 text and 1.2 image). Invalid values are
 * refused by the engine's own records, and the message is shown beside the field it names.
 */
public class SettingsForm extends FormLayout {

    /** The default answer budget: text, or one 32x32 (64-code) image with room for a caption. */
    public static final int DEFAULT_MAX_TOKENS = 256;

    /**
     * One answer's settings.
     *
     * @param sampling     how tokens are drawn, seed included
     * @param guidance     image guidance weights
     * @param maxNewTokens the answer's budget
     */
    public record Settings(Sampling sampling, Guidance guidance, int maxNewTokens) {

        /** "temperature 0.7, top-p 0.9, top-k 0, repetition 1.2, guidance 3.0/1.2, max 256", for labels and logs. */
        public String summary() {
            return String.format(Locale.ROOT, "temperature %s, top-p %s, top-k %d, repetition %s, guidance %s/%s, max %d",
                    num(sampling.temperature()), num(sampling.topP()), sampling.topK(),
                    num(sampling.repetitionPenalty()), num(guidance.text()), num(guidance.image()), maxNewTokens);
        }

        private static String num(double d) {
            return d == Math.rint(d) ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
        }
    }

    private final NumberField temperature = number("Temperature", Sampling.defaults().temperature());
    private final NumberField topP = number("Top-p", Sampling.defaults().topP());
    private final IntegerField topK = integer("Top-k (0 = off)", Sampling.defaults().topK());
    private final NumberField repetition = number("Repetition penalty", Sampling.defaults().repetitionPenalty());
    private final IntegerField seed = integer("Seed", (int) Sampling.defaults().seed());
    private final NumberField guidanceText = number("Guidance: text", Guidance.defaults().text());
    private final NumberField guidanceImage = number("Guidance: image", Guidance.defaults().image());
    private final IntegerField maxTokens = integer("Max new tokens", DEFAULT_MAX_TOKENS);

    /**
     * @param idPrefix prefixes the fields' ids ("left-" gives "left-temperature"), so two forms can share a page
     * @param withSeed whether the form has its own seed field (side-by-side shares one seed between two forms)
     */
    public SettingsForm(String idPrefix, boolean withSeed) {
        temperature.setId(idPrefix + "temperature");
        temperature.setMin(0);
        topP.setId(idPrefix + "top-p");
        topP.setMin(0);
        topP.setMax(1);
        topK.setId(idPrefix + "top-k");
        topK.setMin(0);
        repetition.setId(idPrefix + "repetition-penalty");
        repetition.setMin(1);
        seed.setId(idPrefix + "seed");
        seed.setHelperText("The same seed and settings give the same answer");
        guidanceText.setId(idPrefix + "guidance-text");
        guidanceText.setHelperText("Image codes only; 1 and 1 turn guidance off (demo-preset models draw best without)");
        guidanceImage.setId(idPrefix + "guidance-image");
        maxTokens.setId(idPrefix + "max-tokens");
        maxTokens.setMin(1);
        maxTokens.setHelperText("Image codes count");
        add(temperature, topP, topK, repetition, guidanceText, guidanceImage, maxTokens);
        if (withSeed) {
            add(seed);
        }
        setResponsiveSteps(new ResponsiveStep("0", 2), new ResponsiveStep("40em", 4));
    }

    /** The settings with this form's seed, or empty after marking the offending field. */
    public Optional<Settings> read() {
        return read(seed.getValue() == null ? null : seed.getValue().longValue());
    }

    /** The settings with {@code seedValue} (null: the field is marked), or empty after marking the offending field. */
    public Optional<Settings> read(Long seedValue) {
        for (HasValidation f : new HasValidation[]{temperature, topP, topK, repetition, seed, guidanceText,
                guidanceImage, maxTokens}) {
            f.setInvalid(false);
        }
        if (missing(temperature) | missing(topP) | missing(topK) | missing(repetition) | missing(guidanceText)
                | missing(guidanceImage) | missing(maxTokens)) {
            return Optional.empty();
        }
        if (seedValue == null) {
            invalid(seed, "Give a seed (any whole number)");
            return Optional.empty();
        }
        if (maxTokens.getValue() < 1) {
            invalid(maxTokens, "max_new_tokens must be at least 1");
            return Optional.empty();
        }
        Sampling sampling;
        try {
            sampling = new Sampling(temperature.getValue(), topP.getValue(), topK.getValue(), repetition.getValue(),
                    seedValue);
        } catch (GenerationException e) {
            String m = e.getMessage();
            invalid(m.startsWith("top_p") ? topP : m.startsWith("top_k") ? topK
                    : m.startsWith("repetition") ? repetition : temperature, m);
            return Optional.empty();
        }
        Guidance guidance;
        try {
            guidance = new Guidance(guidanceText.getValue(), guidanceImage.getValue());
        } catch (GenerationException e) {
            invalid(guidanceText, e.getMessage());
            return Optional.empty();
        }
        return Optional.of(new Settings(sampling, guidance, maxTokens.getValue()));
    }

    /** Puts a settings' values into the fields (the seed too, when the form has it). */
    public void show(Settings s) {
        temperature.setValue(s.sampling().temperature());
        topP.setValue(s.sampling().topP());
        topK.setValue(s.sampling().topK());
        repetition.setValue(s.sampling().repetitionPenalty());
        seed.setValue((int) s.sampling().seed());
        guidanceText.setValue(s.guidance().text());
        guidanceImage.setValue(s.guidance().image());
        maxTokens.setValue(s.maxNewTokens());
    }

    private static boolean missing(com.vaadin.flow.component.textfield.AbstractNumberField<?, ?> field) {
        if (field.getValue() == null) {
            invalid(field, "Give a number");
            return true;
        }
        return false;
    }

    private static void invalid(HasValidation field, String message) {
        field.setErrorMessage(message);
        field.setInvalid(true);
    }

    private static NumberField number(String label, double value) {
        NumberField f = new NumberField(label);
        f.setValue(value);
        return f;
    }

    private static IntegerField integer(String label, int value) {
        IntegerField f = new IntegerField(label);
        f.setValue(value);
        f.setStepButtonsVisible(true);
        return f;
    }
}
