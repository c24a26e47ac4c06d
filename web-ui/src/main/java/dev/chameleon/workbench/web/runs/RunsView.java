package dev.chameleon.workbench.web.runs;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.train.StepMetrics;
import dev.chameleon.workbench.web.MainLayout;
import dev.chameleon.workbench.web.common.Links;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Configures SFT runs from a dataset and a run preset, launches and queues them, and shows the selected run
 * live: state, progress, loss curves (overall and per category, drawn as SVG on the server), learning rate,
 * tokens/s, ETA, the error of a failed run and its log tail. Cancel and resume act on the selected run.
 */
@Route(value = Links.RUNS, layout = MainLayout.class)
@PageTitle("Runs | Chameleon Workbench")
@Menu(title = "Runs", order = 2, icon = "vaadin:chart-line")
public class RunsView extends VerticalLayout {

    private static final int CHART_W = 360;
    private static final int CHART_H = 220;
    private static final int LOG_LINES = 40;

    private final RunService service;

    private final ComboBox<String> dataset = new ComboBox<>("Dataset");
    private final ComboBox<String> preset = new ComboBox<>("Run preset");
    private final ComboBox<String> model = new ComboBox<>("Model size");
    private final IntegerField steps = new IntegerField("Steps");
    private final TextField lr = new TextField("Learning rate");
    private final IntegerField seqLen = new IntegerField("Sequence length");
    private final Map<Category, NumberField> mix = new EnumMap<>(Category.class);
    private final Span mixError = new Span();
    private final Paragraph formError = new Paragraph();
    private final Button launch = new Button("Launch run");
    private final Span tokenizerNote = new Span();

    private final Grid<RunInfo> grid = new Grid<>();
    private final Div detail = new Div();
    private final H3 title = new H3();
    private final Span state = new Span();
    private final ProgressBar progress = new ProgressBar();
    private final Span stats = new Span();
    private final Paragraph error = new Paragraph();
    private final Div lossChart = new Div();
    private final Div categoryChart = new Div();
    private final Div lrChart = new Div();
    private final Pre log = new Pre();
    private final Span checkpoints = new Span();
    private final Button cancel = new Button("Cancel run");
    private final Button resume = new Button("Resume run");

    private String selectedId;
    private boolean refreshing;
    private AutoCloseable subscription;

    RunsView(RunService service) {
        this.service = service;
        setWidthFull();
        add(new H2("Runs"), form(), runsGrid(), detailPanel());
        refreshRuns();
    }

    // ---- the form -------------------------------------------------------------------------------------------------

    private VerticalLayout form() {
        dataset.setId("run-dataset");
        dataset.setItems(service.datasets());
        preset.setId("run-preset");
        preset.setItems(service.presets());
        preset.setHelperText("configs/recipes: batch, optimizer and schedule come from here");
        model.setId("run-model");
        model.setItems(service.models());
        steps.setId("run-steps");
        steps.setStepButtonsVisible(true);
        lr.setId("run-lr");
        lr.setHelperText("e.g. 1e-3; min_lr scales with it");
        seqLen.setId("run-seq-len");
        seqLen.setHelperText("tokens per packed window");
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

        HorizontalLayout row1 = new HorizontalLayout(dataset, preset, model);
        HorizontalLayout row2 = new HorizontalLayout(steps, lr, seqLen);
        row1.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        row2.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        Span mixTitle = new Span("Data mix: sampling weight per category (0 leaves it out)");
        tokenizerNote.setId("run-tokenizer-note");
        tokenizerNote.getStyle().set("color", "var(--lumo-secondary-text-color)")
                .set("font-size", "var(--lumo-font-size-s)");
        HorizontalLayout launchRow = new HorizontalLayout(launch, tokenizerNote);
        launchRow.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        VerticalLayout form = new VerticalLayout(row1, row2, mixTitle, weights, mixError, formError, launchRow);
        form.setPadding(false);
        form.setSpacing(false);
        return form;
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
        return new RunRequest(dataset.getValue(), preset.getValue(), model.getValue(), steps.getValue(), rate,
                seqLen.getValue(), weights);
    }

    private void launch() {
        clearErrors();
        try {
            RunInfo run = service.launch(request());
            selectedId = run.id();
            refreshRuns();
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
        List<HasValidation> fields = new ArrayList<>(List.<HasValidation>of(dataset, preset, model, steps, lr, seqLen));
        fields.addAll(mix.values());
        fields.forEach(f -> f.setInvalid(false));
        mixError.setText("");
        formError.setText("");
        formError.setVisible(false);
    }

    // ---- the runs and the selected one --------------------------------------------------------------------------

    private Grid<RunInfo> runsGrid() {
        grid.setId("runs");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.addColumn(RunInfo::id).setHeader("Run").setAutoWidth(true).setFlexGrow(1);
        grid.addColumn(r -> r.status().dataset()).setHeader("Dataset").setAutoWidth(true);
        grid.addColumn(r -> r.state().wireName()).setHeader("State").setAutoWidth(true);
        grid.addColumn(r -> r.status().step() + "/" + r.status().steps()).setHeader("Step").setAutoWidth(true);
        grid.addColumn(r -> r.last().map(m -> String.format(Locale.ROOT, "%.4f", m.loss())).orElse(""))
                .setHeader("Loss").setAutoWidth(true);
        grid.setAllRowsVisible(true);
        grid.asSingleSelect().addValueChangeListener(e -> {
            if (!refreshing) {
                selectedId = e.getValue() == null ? null : e.getValue().id();
                renderDetail();
            }
        });
        return grid;
    }

    private Div detailPanel() {
        detail.setId("run-detail");
        detail.setWidthFull();
        title.setId("run-title");
        state.setId("run-state");
        progress.setId("run-progress");
        progress.setWidth("30em");
        stats.setId("run-stats");
        error.setId("run-error");
        error.getStyle().set("color", "var(--lumo-error-text-color)");
        lossChart.setId("loss-chart");
        categoryChart.setId("category-chart");
        lrChart.setId("lr-chart");
        log.setId("run-log");
        log.getStyle().set("max-height", "20em").set("overflow", "auto").set("font-size", "var(--lumo-font-size-xs)")
                .set("background", "var(--lumo-contrast-5pct)").set("padding", "var(--lumo-space-s)");
        checkpoints.setId("run-checkpoints");
        cancel.setId("cancel-run");
        cancel.addThemeVariants(ButtonVariant.LUMO_ERROR);
        cancel.addClickListener(e -> act(() -> service.cancel(selectedId)));
        resume.setId("resume-run");
        resume.addClickListener(e -> act(() -> service.resume(selectedId)));
        HorizontalLayout header = new HorizontalLayout(title, state, cancel, resume);
        header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        FlexLayout charts = new FlexLayout(lossChart, categoryChart, lrChart);
        charts.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        charts.getStyle().set("gap", "var(--lumo-space-m)");
        detail.add(header, progress, stats, error, charts, checkpoints, log);
        detail.setVisible(false);
        return detail;
    }

    private void act(Runnable action) {
        if (selectedId == null) {
            return;
        }
        try {
            action.run();
        } catch (IllegalStateException | IllegalArgumentException e) {
            error.setText(e.getMessage());
            error.setVisible(true);
            return;
        }
        refreshRuns();
    }

    private void refreshRuns() {
        renderTokenizerNote();
        List<RunInfo> all = service.runs();
        refreshing = true;
        try {
            grid.setItems(all);
            all.stream().filter(r -> r.id().equals(selectedId)).findFirst().ifPresent(grid::select);
        } finally {
            refreshing = false;
        }
        if (selectedId == null && !all.isEmpty()) {
            selectedId = all.get(0).id();
            refreshing = true;
            grid.select(all.get(0));
            refreshing = false;
        }
        renderDetail();
    }

    /** Says when the next run trains the workspace's tokenizers first, and with what. */
    private void renderTokenizerNote() {
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

    private void renderDetail() {
        Optional<RunInfo> found = selectedId == null ? Optional.empty() : service.run(selectedId);
        detail.setVisible(found.isPresent());
        if (found.isEmpty()) {
            return;
        }
        RunInfo run = found.get();
        RunStatus st = run.status();
        title.setText(run.id());
        state.setText(st.state().wireName());
        state.getElement().getThemeList().clear();
        state.getElement().getThemeList().add("badge");
        switch (st.state()) {
            case SUCCEEDED -> state.getElement().getThemeList().add("success");
            case FAILED, INTERRUPTED -> state.getElement().getThemeList().add("error");
            case CANCELLED -> state.getElement().getThemeList().add("contrast");
            default -> { }
        }
        progress.setValue(run.progress());
        progress.setIndeterminate(st.state() == RunState.PREPARING);
        stats.setText(stats(run));
        error.setText(st.error() == null ? "" : st.error());
        error.setVisible(st.error() != null && !st.error().isBlank());
        cancel.setEnabled(st.state().active());
        resume.setEnabled(st.state().resumable());

        List<StepMetrics> m = run.metrics();
        double[] x = m.stream().mapToDouble(StepMetrics::step).toArray();
        setSvg(lossChart, LineChart.svg("Loss", "step", List.of(
                new LineChart.Series("loss", LineChart.PALETTE.get(0), x, m.stream().mapToDouble(StepMetrics::loss)
                        .toArray())), CHART_W, CHART_H));
        setSvg(categoryChart, LineChart.svg("Loss per category", "step", categorySeries(m), CHART_W, CHART_H));
        setSvg(lrChart, LineChart.svg("Learning rate", "step", List.of(
                new LineChart.Series("lr", LineChart.PALETTE.get(4), x, m.stream().mapToDouble(StepMetrics::lr)
                        .toArray())), CHART_W, CHART_H));
        List<CheckpointRef> refs = service.checkpoints(run.id());
        checkpoints.setText(refs.isEmpty() ? "No checkpoints yet" : "Checkpoints: " + String.join(", ",
                refs.stream().map(c -> "step " + c.step()).toList()));
        log.setText(String.join("\n", service.logTail(run.id(), LOG_LINES)));
    }

    /** One line per category that has losses, each category in its own colour; NaN where a step had none. */
    static List<LineChart.Series> categorySeries(List<StepMetrics> m) {
        TreeSet<String> names = new TreeSet<>();
        m.forEach(s -> {
            if (s.perCategory() != null) {
                names.addAll(s.perCategory().keySet());
            }
        });
        double[] x = m.stream().mapToDouble(StepMetrics::step).toArray();
        List<LineChart.Series> out = new ArrayList<>();
        int i = 0;
        for (Category c : Category.values()) {
            if (!names.contains(c.wireName())) {
                i++;
                continue;
            }
            double[] y = m.stream().mapToDouble(s -> s.perCategory() == null ? Double.NaN
                    : s.perCategory().getOrDefault(c.wireName(), Double.NaN)).toArray();
            out.add(new LineChart.Series(c.label(), LineChart.PALETTE.get(i++ % LineChart.PALETTE.size()), x, y));
        }
        return out;
    }

    /** "step 120/200 · loss 2.3140 · lr 8.1e-04 · 3,100 tok/s · ETA 1:05". */
    static String stats(RunInfo run) {
        RunStatus st = run.status();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "step %d/%d", st.step(), st.steps()));
        run.last().ifPresent(m -> s.append(String.format(Locale.ROOT, " · loss %.4f · lr %.2e · %,.0f tok/s · fill %.0f%%",
                m.loss(), m.lr(), m.tokensPerSecond(), 100 * m.fill())));
        run.eta().ifPresent(d -> s.append(" · ETA ").append(duration(d)));
        if (st.state() == RunState.PREPARING) {
            s.append(" · training the workspace's tokenizers first (see the log)");
        }
        return s.toString();
    }

    static String duration(Duration d) {
        long sec = Math.max(0, d.toSeconds());
        return sec >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", sec / 3600, sec / 60 % 60, sec % 60)
                : String.format(Locale.ROOT, "%d:%02d", sec / 60, sec % 60);
    }

    private static void setSvg(Div target, String svg) {
        target.getElement().setProperty("innerHTML", svg);
    }

    /** The SVG a chart shows (for tests). */
    static String svgOf(Div chart) {
        return chart.getElement().getProperty("innerHTML", "");
    }

    private static String plain(double v) {
        return v >= 1e-3 && v < 1e4 ? stripZeros(String.format(Locale.ROOT, "%.6f", v))
                : String.format(Locale.ROOT, "%.3g", v).replace("e-0", "e-").replace("e+0", "e");
    }

    private static String stripZeros(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    // ---- live updates ---------------------------------------------------------------------------------------------

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        UI ui = event.getUI();
        subscription = service.subscribe(id -> {
            try {
                ui.access(this::refreshRuns);
            } catch (UIDetachedException e) {
                // The tab closed; onDetach unsubscribes.
            }
        });
    }

    @Override
    protected void onDetach(DetachEvent event) {
        super.onDetach(event);
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception ignored) {
                // Removing a listener from a list does not fail.
            }
            subscription = null;
        }
    }
}
