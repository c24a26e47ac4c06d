package dev.chameleon.workbench.web.runs;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
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
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.trainer.train.StepMetrics;
import dev.chameleon.workbench.web.MainLayout;
import dev.chameleon.workbench.web.common.Links;
import dev.chameleon.workbench.web.generation.CheckpointService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    private final RunForm form;

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

    RunsView(RunService service, CheckpointService checkpoints) {
        this.service = service;
        setWidthFull();
        this.form = new RunForm(service, checkpoints::list, run -> {
            selectedId = run.id();
            refreshRuns();
        });
        add(new H2("Runs"), form, runsGrid(), detailPanel());
        refreshRuns();
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
        form.renderTokenizerNote();
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

    // ---- live updates ---------------------------------------------------------------------------------------------

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        form.refreshStartFrom();
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
