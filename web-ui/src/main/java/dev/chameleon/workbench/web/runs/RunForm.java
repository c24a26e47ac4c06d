package dev.chameleon.workbench.web.runs;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.select.Select;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.web.generation.CheckpointChoice;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Runs view's launch form: dataset, run preset (which fills the rest), model size, where the weights start from
 * (a random initialisation, or a checkpoint trained here or imported), steps, learning rate, sequence length and the
 * data mix. A setting that cannot train is shown beside its field; under the form, the
 * memory the run needs and whether this machine has it.
 */
final class RunForm extends VerticalLayout {

    private static final String RANDOM = "Random initialisation";

    private final RunService service;
    private final Supplier<List<CheckpointChoice>> checkpoints;
    private final Consumer<RunInfo> launched;

    private final ComboBox<String> dataset = new ComboBox<>("Dataset");
    private final ComboBox<String> preset = new ComboBox<>("Run preset");
    private final ComboBox<String> model = new ComboBox<>("Model size");
    private final Select<CheckpointChoice> startFrom = new Select<>();
    private final IntegerField steps = new IntegerField("Steps");
    private final TextField lr = new TextField("Learning rate");
    private final IntegerField seqLen = new IntegerField("Sequence length");
    private final Map<Category, NumberField> mix = new EnumMap<>(Category.class);
    private final Span mixError = new Span();
    private final Paragraph formError = new Paragraph();
    private final Button launch = new Button("Launch run");
    private final Span tokenizerNote = new Span();
    private final Span memoryNote = new Span();


    /** @param checkpoints the checkpoints a run may start from: trained ones and imported ones */
    RunForm(RunService service, Supplier<List<CheckpointChoice>> checkpoints, Consumer<RunInfo> launched) {
        this.service = service;
        this.checkpoints = checkpoints;
        this.launched = launched;
        dataset.setId("run-dataset");
        dataset.setItems(service.datasets());
        preset.setId("run-preset");
        preset.setItems(service.presets());
        preset.setHelperText("configs/recipes: batch, optimizer and schedule come from here");
        model.setId("run-model");
        model.setItems(service.models());
        startFrom.setId("run-init-from");
        startFrom.setLabel("Start from");
        startFrom.setWidth("28em");
        startFrom.setEmptySelectionAllowed(true);
        startFrom.setEmptySelectionCaption(RANDOM);
        startFrom.setItemLabelGenerator(c -> c == null ? RANDOM : c.label());
        startFrom.setHelperText("A checkpoint trained here or an imported one (Playground: Add checkpoint folder…)"
                + " becomes the run config's init_from");
        startFrom.addValueChangeListener(e -> {
            // A checkpoint brings its own shape: the model size no longer applies.
            model.setEnabled(e.getValue() == null);
            model.setHelperText(e.getValue() == null ? null : "The shape of the checkpoint it starts from");
            renderMemoryNote();
        });
        refreshStartFrom();
        steps.setId("run-steps");
        steps.setStepButtonsVisible(true);
        lr.setId("run-lr");
        lr.setHelperText("e.g. 1e-3; min_lr scales with it");
        seqLen.setId("run-seq-len");
        seqLen.setHelperText("tokens per packed window");
        memoryNote.setId("run-memory");
        memoryNote.getStyle().set("color", "var(--lumo-secondary-text-color)")
                .set("font-size", "var(--lumo-font-size-s)");
        model.addValueChangeListener(e -> renderMemoryNote());
        seqLen.addValueChangeListener(e -> renderMemoryNote());
        preset.addValueChangeListener(e -> renderMemoryNote());
        preset.addValueChangeListener(e -> {
            if (e.getValue() == null) {
                return;
            }
            try {
                fill(service.defaults(dataset.getValue(), e.getValue()));
            } catch (RuntimeException ex) {
                preset.setErrorMessage("This preset cannot be used: " + ex.getMessage());
                preset.setInvalid(true);
            }
        });

        FlexLayout weights = new FlexLayout();
        weights.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        weights.getStyle().set("gap", "var(--lumo-space-s)");
        for (Category c : Category.values()) {
            NumberField f = new NumberField(c.label());
            f.setId("run-mix-" + c.wireName());
            f.setMin(0);
            f.setStep(0.1);
            f.setWidth("9em");
            mix.put(c, f);
            weights.add(f);
        }
        mixError.setId("run-mix-error");
        mixError.getStyle().set("color", "var(--lumo-error-text-color)");
        formError.setId("run-form-error");
        formError.getStyle().set("color", "var(--lumo-error-text-color)");
        formError.setVisible(false);

        List<String> datasets = service.datasets();
        if (datasets.contains("demo")) {
            dataset.setValue("demo");
        } else if (!datasets.isEmpty()) {
            dataset.setValue(datasets.get(0));
        }
        if (service.presets().contains(RunService.DEFAULT_PRESET)) {
            preset.setValue(RunService.DEFAULT_PRESET);
        }

        launch.setId("launch-run");
        launch.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        launch.addClickListener(e -> launch());

        HorizontalLayout row1 = new HorizontalLayout(dataset, preset, model, startFrom);
        HorizontalLayout row2 = new HorizontalLayout(steps, lr, seqLen);
        row1.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        row2.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        Span mixTitle = new Span("Data mix: sampling weight per category (0 leaves it out)");
        tokenizerNote.setId("run-tokenizer-note");
        tokenizerNote.getStyle().set("color", "var(--lumo-secondary-text-color)")
                .set("font-size", "var(--lumo-font-size-s)");
        HorizontalLayout launchRow = new HorizontalLayout(launch, tokenizerNote);
        launchRow.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        add(row1, row2, mixTitle, weights, mixError, formError, launchRow, memoryNote);
        renderMemoryNote();
        setPadding(false);
        setSpacing(false);
    }

    private void fill(RunRequest r) {
        model.setValue(r.model());
        steps.setValue(r.steps());
        lr.setValue(plain(r.lr()));
        seqLen.setValue(r.seqLen());
        mix.forEach((c, f) -> f.setValue(r.mix().getOrDefault(c.wireName(), 0.0)));
        clearErrors();
    }

    /** What the form asks for; a field that does not parse is reported beside it. */
    RunRequest request() {
        Double rate;
        try {
            rate = lr.getValue() == null || lr.getValue().isBlank() ? null : Double.parseDouble(lr.getValue().trim());
        } catch (NumberFormatException e) {
            throw new InvalidRunException("lr", "'" + lr.getValue() + "' is not a number; write e.g. 1e-3 or 0.001");
        }
        if (rate == null) {
            throw new InvalidRunException("lr", "Give a learning rate, e.g. 1e-3");
        }
        if (steps.getValue() == null) {
            throw new InvalidRunException("steps", "Give the number of optimizer steps, e.g. 200");
        }
        if (seqLen.getValue() == null) {
            throw new InvalidRunException("seq_len", "Give the window length in tokens, e.g. 256");
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        mix.forEach((c, f) -> weights.put(c.wireName(), f.getValue() == null ? 0.0 : f.getValue()));
        CheckpointChoice from = startFrom.getValue();
        return new RunRequest(dataset.getValue(), preset.getValue(), from == null ? model.getValue() : null,
                steps.getValue(), rate,
                seqLen.getValue(), weights, from == null ? "" : from.dir().toString());
    }

    private void launch() {
        clearErrors();
        try {
            launched.accept(service.launch(request()));
        } catch (InvalidRunException e) {
            showError(e);
        } catch (Exception e) {
            formError.setText("The run could not be launched: " + e.getMessage());
            formError.setVisible(true);
        }
    }

    /** Shows each rejected setting beside its field; one the form has no field for goes above the button. */
    private void showError(InvalidRunException e) {
        for (InvalidRunException.FieldError error : e.errors()) {
            String f = error.field();
            HasValidation target = switch (f) {
                case "dataset" -> dataset;
                case "preset" -> preset;
                case "model" -> model;
                case "steps" -> steps;
                case "lr" -> lr;
                case "seq_len" -> seqLen;
                case "init_from" -> startFrom;
                default -> f.startsWith("mix.") ? mixField(f.substring(4)) : null;
            };
            if (target != null) {
                target.setErrorMessage(error.message());
                target.setInvalid(true);
            }
            if (f.equals("mix") || f.startsWith("mix.")) {
                mixError.setText(error.message());
            } else if (target == null) {
                formError.setText(error.message());
                formError.setVisible(true);
            }
        }
    }

    private NumberField mixField(String wireName) {
        for (Map.Entry<Category, NumberField> e : mix.entrySet()) {
            if (e.getKey().wireName().equals(wireName)) {
                return e.getValue();
            }
        }
        return null;
    }

    private void clearErrors() {
        List<HasValidation> fields = new ArrayList<>(List.<HasValidation>of(dataset, preset, model, startFrom, steps, lr,
                seqLen));
        fields.addAll(mix.values());
        fields.forEach(f -> f.setInvalid(false));
        mixError.setText("");
        formError.setText("");
        formError.setVisible(false);
    }

    /** Lists the checkpoints a run may start from again (runs write new ones), keeping the choice while it is listed. */
    void refreshStartFrom() {
        CheckpointChoice current = startFrom.getValue();
        List<CheckpointChoice> items;
        try {
            items = checkpoints.get();
        } catch (RuntimeException e) {
            items = List.of();
            startFrom.setErrorMessage("The checkpoints cannot be listed: " + e.getMessage());
            startFrom.setInvalid(true);
        }
        startFrom.setItems(items);
        startFrom.setValue(current == null ? null
                : items.stream().filter(c -> c.dir().equals(current.dir())).findFirst().orElse(null));
    }

    /** The memory the chosen preset, model size and sequence length need, and whether this machine has it. */
    private void renderMemoryNote() {
        // A run from a checkpoint takes the checkpoint's shape instead of the model size.
        CheckpointChoice from = startFrom.getValue();
        memoryNote.setText(service.memoryNote(preset.getValue(), from == null ? model.getValue() : null,
                seqLen.getValue(), from == null ? null : from.dir().toString()));
    }

    /** Says when the next run trains the workspace's tokenizers first, and with what. */
    void renderTokenizerNote() {
        if (service.hasTokenizers()) {
            tokenizerNote.setText("");
            return;
        }
        try {
            var recipe = service.tokenizerRecipe();
            tokenizerNote.setText(String.format(Locale.ROOT, "This workspace has no tokenizers yet: the first run "
                    + "trains them on its snapshot (text: %,d ids; images: VQ preset '%s', %,d steps).",
                    recipe.textVocabSize(), recipe.imageConfig(), recipe.imageSteps()));
        } catch (RuntimeException e) {
            tokenizerNote.setText("This workspace has no tokenizers, and its tokenizer preset cannot be read: "
                    + e.getMessage());
        }
    }

    private static String plain(double v) {
        return v >= 1e-3 && v < 1e4 ? stripZeros(String.format(Locale.ROOT, "%.6f", v))
                : String.format(Locale.ROOT, "%.3g", v).replace("e-0", "e-").replace("e+0", "e");
    }

    private static String stripZeros(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
