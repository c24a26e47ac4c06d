package dev.chameleon.workbench.web.compare;

import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.chameleon.workbench.trainer.generate.GenerationException;
import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.GenerationResult;
import dev.chameleon.workbench.trainer.generate.Mode;
import dev.chameleon.workbench.web.MainLayout;
import dev.chameleon.workbench.web.common.Links;
import dev.chameleon.workbench.web.generation.AnswerModes;
import dev.chameleon.workbench.web.generation.AnswerPanel;
import dev.chameleon.workbench.web.generation.CheckpointChoice;
import dev.chameleon.workbench.web.generation.CheckpointPicker;
import dev.chameleon.workbench.web.generation.CheckpointService;
import dev.chameleon.workbench.web.generation.PlaygroundEngine;
import dev.chameleon.workbench.web.generation.PromptImage;
import dev.chameleon.workbench.web.generation.SettingsForm;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Two checkpoints (or one checkpoint with two settings) answer the same prompt with the same seed, side by
 * side; a person then records which answer is better and whether each fulfils the task, and the win rates
 * of every pair rated so far are shown below.
 *
 * <p>The engine runs one request at a time, so the left answer streams first and the right one after it.
 * (Decoding both as one batch would not do: the engine seeds each row of a batch by its index, so the two
 * sides would not share a random stream.)
 */
@Route(value = Links.COMPARE, layout = MainLayout.class)
@PageTitle("Side by side | Chameleon Workbench")
@Menu(title = "Side by side", order = 4, icon = "vaadin:scale")
public class CompareView extends VerticalLayout {

    private final PlaygroundEngine engine;
    private final RatingsService ratings;

    private final TextArea prompt = new TextArea("Prompt");
    private final PromptImage image = new PromptImage("");
    private final RadioButtonGroup<Mode> mode = AnswerModes.radioGroup("mode");
    private final IntegerField seed = new IntegerField("Seed (both sides)");
    private final Column left;
    private final Column right;
    private final Button compare = new Button("Compare");
    private final Button stop = new Button("Stop");

    private final Div rating = new Div();
    private final RadioButtonGroup<Rating.Preference> preference = new RadioButtonGroup<>("Which answer is better?");
    private final Button save = new Button("Save rating");
    private final Grid<WinRate> winRates = new Grid<>();

    private AtomicBoolean cancelled;
    private Pair pair;

    /** One side: its checkpoint, settings and answer. */
    private static final class Column extends VerticalLayout {
        final String name;
        final CheckpointPicker checkpoint;
        final SettingsForm settings;
        final AnswerPanel answer;
        final RadioButtonGroup<Rating.Fulfilment> fulfils;

        Column(String name, String id, CheckpointService checkpoints, PlaygroundEngine engine) {
            this.name = name;
            checkpoint = new CheckpointPicker(name + " checkpoint", id + "-checkpoint", checkpoints, engine);
            checkpoint.setWidthFull();
            settings = new SettingsForm(id + "-", false);
            answer = new AnswerPanel(id + "-");
            fulfils = new RadioButtonGroup<>(name + " answer fulfils the task?");
            fulfils.setId(id + "-fulfils");
            fulfils.setItems(Rating.Fulfilment.values());
            fulfils.setItemLabelGenerator(f -> switch (f) {
                case FULFILS -> "Fulfils";
                case PARTIALLY -> "Partially";
                case DOES_NOT -> "Does not";
            });
            Details more = new Details(name + " settings", settings);
            more.setId(id + "-settings");
            setPadding(false);
            add(new H3(name), checkpoint, more, answer);
            setWidth("50%");
        }
    }

    /** What one comparison asked and got, for the rating. */
    private record Pair(GenerationRequest request, String imageName, CheckpointChoice leftCheckpoint,
                        SettingsForm.Settings leftSettings, CheckpointChoice rightCheckpoint,
                        SettingsForm.Settings rightSettings, GenerationResult[] results) {
    }

    CompareView(PlaygroundEngine engine, CheckpointService checkpoints, RatingsService ratings) {
        this.engine = engine;
        this.ratings = ratings;
        left = new Column("Left", "left", checkpoints, engine);
        right = new Column("Right", "right", checkpoints, engine);

        prompt.setId("prompt");
        prompt.setWidthFull();
        prompt.setMinHeight("5em");
        seed.setId("seed");
        seed.setValue(0);
        seed.setStepButtonsVisible(true);

        compare.setId("compare");
        compare.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        compare.addClickListener(e -> compare());
        stop.setId("stop");
        stop.addThemeVariants(ButtonVariant.LUMO_ERROR);
        stop.setEnabled(false);
        stop.addClickListener(e -> stop());

        preference.setId("preference");
        preference.setItems(Rating.Preference.values());
        preference.setItemLabelGenerator(p -> switch (p) {
            case LEFT -> "Left is better";
            case TIE -> "Tie";
            case RIGHT -> "Right is better";
        });
        save.setId("save-rating");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(e -> saveRating());
        HorizontalLayout fulfilment = new HorizontalLayout(left.fulfils, right.fulfils);
        rating.setId("rating");
        rating.add(new H3("Rate this pair"), preference, fulfilment, save);
        rating.setVisible(false);

        winRates.setId("win-rates");
        winRates.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        winRates.addColumn(WinRate::a).setHeader("A").setFlexGrow(2);
        winRates.addColumn(WinRate::b).setHeader("B").setFlexGrow(2);
        winRates.addColumn(WinRate::aWins).setHeader("A better").setAutoWidth(true).setFlexGrow(0);
        winRates.addColumn(WinRate::ties).setHeader("Ties").setAutoWidth(true).setFlexGrow(0);
        winRates.addColumn(WinRate::bWins).setHeader("B better").setAutoWidth(true).setFlexGrow(0);
        winRates.addColumn(w -> percent(w.aWinRate())).setKey("win-rate").setHeader("A's win rate").setAutoWidth(true).setFlexGrow(0);
        winRates.addColumn(w -> w.aFulfils() + " / " + w.bFulfils()).setHeader("Fulfilled (A / B)")
                .setAutoWidth(true).setFlexGrow(0);
        winRates.setAllRowsVisible(true);
        refreshWinRates();

        HorizontalLayout shared = new HorizontalLayout(mode, seed);
        shared.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        HorizontalLayout columns = new HorizontalLayout(left, right);
        columns.setWidthFull();
        add(new H2("Side by side"), prompt, image, shared, new HorizontalLayout(compare, stop), columns, rating,
                new H3("Win rates"), new Paragraph("Win rate = (wins + ties / 2) / ratings, per pair of checkpoints "
                        + "(or of settings, when both sides used one checkpoint). Ratings are kept in "
                        + ratings.file() + "."), winRates);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (cancelled != null) {
            cancelled.set(true);
        }
        super.onDetach(event);
    }

    private void compare() {
        CheckpointChoice lc = left.checkpoint.require();
        CheckpointChoice rc = right.checkpoint.require();
        if (seed.getValue() == null) {
            seed.setErrorMessage("Give a seed (any whole number)");
            seed.setInvalid(true);
            return;
        }
        seed.setInvalid(false);
        Optional<SettingsForm.Settings> ls = left.settings.read(seed.getValue().longValue());
        Optional<SettingsForm.Settings> rs = right.settings.read(seed.getValue().longValue());
        if (lc == null || rc == null || ls.isEmpty() || rs.isEmpty()) {
            return;
        }
        if (prompt.getValue().isBlank() && image.images().isEmpty()) {
            prompt.setErrorMessage("Type a prompt or attach an image");
            prompt.setInvalid(true);
            return;
        }
        prompt.setInvalid(false);
        GenerationRequest lq;
        GenerationRequest rq;
        try {
            lq = request(ls.get());
            rq = request(rs.get());
        } catch (GenerationException e) {
            error(e.getMessage());
            return;
        }
        AtomicBoolean stopFlag = new AtomicBoolean();
        cancelled = stopFlag;
        Pair p = new Pair(lq, image.fileName(), lc, ls.get(), rc, rs.get(), new GenerationResult[2]);
        pair = null;
        rating.setVisible(false);
        compare.setEnabled(false);
        stop.setEnabled(true);
        left.answer.reset("Waiting for " + lc.label() + " (loading it, or another answer in the queue)…",
                "Generating with " + lc.label() + "…");
        right.answer.reset("Waiting for the left answer…", "Generating with " + rc.label() + "…");
        UI ui = UI.getCurrent();
        CompletableFuture<GenerationResult> l = engine.generate(lc.dir(), lq, left.answer.listener(ui), stopFlag::get);
        l.whenComplete((r, f) -> access(ui, () -> sideDone(left, p, 0, r, f)));
        // Queued behind the left answer on the engine's one thread; a stop skips it too.
        // Queued behind the left answer on the engine's one thread; a stop skips it too. The right side is shown
        // when both are done, so the rating never appears before the right answer's last words.
        CompletableFuture<GenerationResult> r = engine.generate(rc.dir(), rq, right.answer.listener(ui),
                stopFlag::get);
        CompletableFuture.allOf(l, r).whenComplete((x, f) -> access(ui, () -> {
            sideDone(right, p, 1, r.isCompletedExceptionally() ? null : r.join(), failure(r));
            bothDone(stopFlag, p);
        }));
    }

    /** The failure a finished future holds, or null. */
    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.join();
            return null;
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    private GenerationRequest request(SettingsForm.Settings s) {
        return new GenerationRequest(prompt.getValue(), image.images(), mode.getValue(), s.sampling(), s.guidance(),
                s.maxNewTokens());
    }

    private void sideDone(Column side, Pair p, int index, GenerationResult result, Throwable failure) {
        side.answer.drain();
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            String message = cause instanceof GenerationException ? cause.getMessage()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            side.answer.showStatus("Generation failed: " + message, true);
            error(side.name + " answer failed: " + message);
        } else {
            p.results()[index] = result;
            side.answer.showResult(result);
        }
    }

    private void bothDone(AtomicBoolean run, Pair p) {
        if (run != cancelled) {
            return;
        }
        cancelled = null;
        compare.setEnabled(true);
        stop.setEnabled(false);
        if (p.results()[0] != null && p.results()[1] != null) {
            pair = p;
            preference.clear();
            left.fulfils.clear();
            right.fulfils.clear();
            preference.setInvalid(false);
            save.setEnabled(true);
            rating.setVisible(true);
        }
    }

    private void stop() {
        if (cancelled != null) {
            cancelled.set(true);
            stop.setEnabled(false);
        }
    }

    private void saveRating() {
        if (pair == null) {
            return;
        }
        if (preference.getValue() == null) {
            preference.setErrorMessage("Pick the better answer, or tie");
            preference.setInvalid(true);
            return;
        }
        preference.setInvalid(false);
        Rating r = new Rating(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), pair.request().prompt(),
                pair.imageName(), pair.request().mode().name(), pair.request().sampling().seed(),
                side(pair.leftCheckpoint(), pair.leftSettings(), pair.results()[0], left.fulfils.getValue()),
                side(pair.rightCheckpoint(), pair.rightSettings(), pair.results()[1], right.fulfils.getValue()),
                preference.getValue());
        try {
            ratings.save(r);
        } catch (RuntimeException e) {
            error(e.getMessage());
            return;
        }
        pair = null;
        save.setEnabled(false);
        rating.setVisible(false);
        refreshWinRates();
        Notification.show("Rating saved", 3000, Notification.Position.BOTTOM_START)
                .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }

    private static Rating.Side side(CheckpointChoice c, SettingsForm.Settings s, GenerationResult r,
            Rating.Fulfilment fulfils) {
        return new Rating.Side(c.label(), c.dir().toString(), s.summary(), s.sampling().temperature(),
                s.sampling().topP(), s.sampling().topK(), s.sampling().repetitionPenalty(), s.guidance().text(),
                s.guidance().image(), s.maxNewTokens(), r.text(), r.images().size(), r.stopReason(), fulfils);
    }

    private void refreshWinRates() {
        winRates.setItems(ratings.winRates());
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.0f%%", rate * 100);
    }

    private static void error(String message) {
        Notification.show(message, 10_000, Notification.Position.MIDDLE)
                .addThemeVariants(NotificationVariant.LUMO_ERROR);
    }

    private static void access(UI ui, com.vaadin.flow.server.Command command) {
        try {
            ui.access(command);
        } catch (UIDetachedException e) {
            // The tab is gone.
        }
    }
}
