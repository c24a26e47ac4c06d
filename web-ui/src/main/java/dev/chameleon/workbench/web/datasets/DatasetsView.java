package dev.chameleon.workbench.web.datasets;

import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.CallbackDataProvider;
import com.vaadin.flow.data.provider.DataProvider;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Location;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.search.QuerySyntaxException;
import dev.chameleon.workbench.curation.search.SearchPage;
import dev.chameleon.workbench.curation.search.SearchRequest;
import dev.chameleon.workbench.curation.store.DatasetSummary;
import dev.chameleon.workbench.curation.store.ExampleRow;
import dev.chameleon.workbench.web.MainLayout;
import dev.chameleon.workbench.web.common.Labels;
import dev.chameleon.workbench.web.common.Links;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The datasets of the workspace with their kind and counts, and the examples of the selected one: a lazy grid
 * that pages through the workspace (so a million rows cost one page at a time), narrowed by a search query and
 * filters. Clicking an example opens it for review; the bulk bar applies one review action to everything the
 * search and filters match (after a confirmation, with an Undo in the notification).
 */
@Route(value = Links.DATASETS, layout = MainLayout.class)
@PageTitle("Datasets | Chameleon Workbench")
@Menu(title = "Datasets", order = 0, icon = "vaadin:database")
public class DatasetsView extends VerticalLayout implements BeforeEnterObserver {

    /** What the search box's tooltip says: the query syntax, by example. */
    static final String SEARCH_HELP = """
            Lucene query syntax over prompt and answer text. All words must match: red circle. \
            Phrases: "red circle". Either: circle OR square. Exclude: -square or NOT square. \
            Wildcards: circ*. Fuzzy: circel~. \
            Fields: category:visual_chat, status:accepted, has_image:true, remote_image:true (images known only \
            by address), tag:demo, harm:privacy, \
            source:chat.jsonl, length:[100 TO 500] (characters), images:[2 TO *].""";

    private final Curation curation;

    private final Grid<DatasetSummary> datasets = new Grid<>();
    private final List<DatasetSummary> datasetItems = new ArrayList<>();
    private final TextField search = new TextField();
    private final ComboBox<Category> categoryFilter = new ComboBox<>();
    private final ComboBox<ReviewStatus> statusFilter = new ComboBox<>();
    private final ComboBox<Boolean> imageFilter = new ComboBox<>();
    private final Span matches = new Span();
    private final HorizontalLayout toolbar = new HorizontalLayout();
    private final Grid<ExampleRow> examples = new Grid<>();
    private final Paragraph empty = new Paragraph();
    private final BulkReviewBar bulkBar;

    private String dataset;
    private SearchRequest request;
    private long matching;
    /** Where the open example sits in the grid's rows (-1: not found), for next and previous in the dialog. */
    private long position = -1;

    public DatasetsView(Curation curation) {
        this.curation = curation;
        this.bulkBar = new BulkReviewBar(curation, this::reviewed);
        setSizeFull();

        datasets.setId("datasets");
        datasets.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        datasets.addColumn(s -> s.dataset().name()).setHeader("Dataset").setAutoWidth(true).setFlexGrow(1);
        datasets.addComponentColumn(DatasetsView::kindBadge).setHeader("Kind").setKey("kind").setAutoWidth(true)
                .setFlexGrow(0);
        count(datasets.addColumn(s -> number(s.total())).setHeader("Examples"));
        for (Category c : Category.values()) {
            count(datasets.addColumn(s -> number(s.count(c))).setHeader(c.label()));
        }
        for (ReviewStatus s : ReviewStatus.values()) {
            count(datasets.addColumn(d -> number(d.count(s))).setHeader(Labels.capitalized(s.wireName())));
        }
        count(datasets.addColumn(s -> number(s.withImages())).setHeader("With images"));
        datasets.setItems(datasetItems).setIdentifierProvider(s -> s.dataset().id());
        datasets.setAllRowsVisible(true);
        datasets.addSelectionListener(e -> e.getFirstSelectedItem()
                .ifPresent(s -> selectDataset(s.dataset().name(), e.isFromClient())));

        search.setId("search");
        search.setPlaceholder("Search, e.g. circle category:visual_chat");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setHelperText("Lucene syntax, e.g. \"red circle\" OR square -star has_image:true length:[10 TO 500]");
        search.setTooltipText(SEARCH_HELP);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.setValueChangeTimeout(400);
        search.setWidth("34em");
        search.addValueChangeListener(e -> applyFilters());

        categoryFilter.setId("category-filter");
        categoryFilter.setPlaceholder("Any category");
        categoryFilter.setItems(Category.values());
        categoryFilter.setItemLabelGenerator(Category::label);
        categoryFilter.setClearButtonVisible(true);
        categoryFilter.addValueChangeListener(e -> applyFilters());

        statusFilter.setId("status-filter");
        statusFilter.setPlaceholder("Any status");
        statusFilter.setItems(ReviewStatus.values());
        statusFilter.setItemLabelGenerator(s -> Labels.capitalized(s.wireName()));
        statusFilter.setClearButtonVisible(true);
        statusFilter.addValueChangeListener(e -> applyFilters());

        imageFilter.setId("image-filter");
        imageFilter.setPlaceholder("Any images");
        imageFilter.setItems(true, false);
        imageFilter.setItemLabelGenerator(b -> b ? "With images" : "Without images");
        imageFilter.setClearButtonVisible(true);
        imageFilter.addValueChangeListener(e -> applyFilters());

        matches.setId("match-count");
        toolbar.add(search, categoryFilter, statusFilter, imageFilter, matches);
        toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        toolbar.setWidthFull();
        toolbar.getStyle().set("flex-wrap", "wrap");

        examples.setId("examples");
        examples.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        examples.addColumn(ExampleRow::id).setHeader("#").setTextAlign(ColumnTextAlign.END).setWidth("6em")
                .setFlexGrow(0);
        examples.addColumn(r -> r.category().label()).setHeader("Category").setWidth("11em").setFlexGrow(0);
        examples.addColumn(r -> Labels.capitalized(r.status().wireName())).setHeader("Status").setWidth("7em")
                .setFlexGrow(0);
        examples.addColumn(ExampleRow::preview).setHeader("Prompt").setFlexGrow(1).setTooltipGenerator(
                ExampleRow::preview);
        count(examples.addColumn(ExampleRow::imageCount).setHeader("Images"));
        examples.addColumn(r -> number(r.textLength())).setHeader("Characters").setTextAlign(ColumnTextAlign.END)
                .setWidth("7em").setFlexGrow(0);
        examples.addColumn(ExampleRow::source).setHeader("Source").setWidth("14em").setFlexGrow(0)
                .setTooltipGenerator(ExampleRow::source);
        examples.addColumn(ExampleRow::tags).setHeader("Tags").setWidth("8em").setFlexGrow(0);
        examples.setPageSize(100);
        examples.setItems(rowsProvider());
        examples.addItemClickListener(e -> open(e.getItem()));
        examples.setSizeFull();

        empty.setId("empty-workspace");
        add(new H2("Datasets"), empty, datasets, toolbar, bulkBar, examples);
        setFlexGrow(1, examples);
    }

    /** Pages rows from the workspace: each call asks for one window, never the whole dataset. */
    private CallbackDataProvider<ExampleRow, Void> rowsProvider() {
        return DataProvider.fromCallbacks(
                query -> {
                    int offset = query.getOffset();
                    int limit = query.getLimit();
                    return request == null ? Stream.empty() : curation.rows(request, offset, limit).stream();
                },
                query -> request == null ? 0 : (int) Math.min(Integer.MAX_VALUE, curation.count(request)));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Optional<String> wanted = event.getLocation().getQueryParameters().getSingleParameter("dataset");
        refreshDatasets();
        String name = wanted.filter(n -> curation.dataset(n).isPresent())
                .orElse(datasetItems.isEmpty() ? null : datasetItems.get(0).dataset().name());
        if (name != null) {
            selectDataset(name, false);
        }
    }

    /** Shows a dataset's examples, keeping the search and filters. */
    void selectDataset(String name, boolean fromClient) {
        if (!Objects.equals(name, dataset)) {
            dataset = name;
            datasetItems.stream().filter(s -> s.dataset().name().equals(name)).findFirst()
                    .ifPresent(datasets::select);
            if (fromClient) {
                getUI().ifPresent(ui -> ui.getPage().getHistory().replaceState(null,
                        new Location("", QueryParameters.of("dataset", name))));
            }
            applyFilters();
        }
    }

    /** Rebuilds the request from the search box and filters; a query that does not parse is shown, not run. */
    private void applyFilters() {
        if (dataset == null) {
            request = null;
            matching = 0;
            matches.setText("");
            bulkBar.show(request, matching);
            examples.getDataProvider().refreshAll();
            return;
        }
        String query = search.getValue() == null ? "" : search.getValue().trim();
        SearchRequest next = new SearchRequest(dataset, query, categoryFilter.getValue(), statusFilter.getValue(),
                imageFilter.getValue());
        long count;
        try {
            count = curation.count(next);
        } catch (QuerySyntaxException e) {
            search.setInvalid(true);
            search.setErrorMessage(e.getMessage());
            return;
        }
        search.setInvalid(false);
        search.setErrorMessage(null);
        request = next;
        matching = count;
        matches.setText(String.format("%,d %s", count, count == 1 ? "example" : "examples"));
        bulkBar.show(request, matching);
        examples.getDataProvider().refreshAll();
    }

    /** SFT data or a prompt set, as a badge. */
    private static Span kindBadge(DatasetSummary s) {
        Span badge = new Span(s.dataset().isPromptSet() ? "Prompt set" : "SFT");
        badge.getElement().getThemeList().add(s.dataset().isPromptSet() ? "badge contrast" : "badge");
        badge.addClassName("dataset-kind");
        return badge;
    }

    private void open(ExampleRow row) {
        position = positionOf(row);
        new ExampleDetail(curation, row.id(), this::step, this::reviewed).open();
    }

    /** The row's place in the current rows: its sequence number when unfiltered, else its rank in the search. */
    private long positionOf(ExampleRow row) {
        if (request.isUnfiltered()) {
            return row.seq();
        }
        for (int offset = 0; offset < matching; offset += 1000) {
            SearchPage page = curation.search(request, offset, 1000);
            int i = page.ids().indexOf(row.id());
            if (i >= 0) {
                return offset + (long) i;
            }
            if (page.ids().size() < 1000) {
                break;
            }
        }
        return -1;
    }

    /**
     * The example {@code step} rows from the open one. If the open one has left the rows (reviewed out of a status
     * filter), the row now in its place is the next one.
     */
    private Optional<Long> step(long fromId, int step) {
        if (request == null || position < 0) {
            return Optional.empty();
        }
        List<ExampleRow> here = curation.rows(request, position, 1);
        boolean stillHere = !here.isEmpty() && here.get(0).id() == fromId;
        long target = stillHere || step < 0 ? position + step : position;
        if (target < 0) {
            return Optional.empty();
        }
        List<ExampleRow> rows = curation.rows(request, target, 1);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        position = target;
        return Optional.of(rows.get(0).id());
    }

    /** After a review change: the rows may leave the filter, and the dataset's counts change. */
    private void reviewed() {
        applyFilters();
        if (dataset != null) {
            curation.dataset(dataset).ifPresent(updated -> {
                datasetItems.replaceAll(s -> s.dataset().id() == updated.dataset().id() ? updated : s);
                datasets.getListDataView().refreshItem(updated);
            });
        }
    }

    private void refreshDatasets() {
        datasetItems.clear();
        datasetItems.addAll(curation.datasets());
        datasets.getDataProvider().refreshAll();
        empty.removeAll();
        if (datasetItems.isEmpty()) {
            empty.add(new Span("This workspace has no datasets yet. "),
                    Links.to("Import a file", Links.IMPORT), new Span(" to create one."));
        }
        empty.setVisible(datasetItems.isEmpty());
        datasets.setVisible(!datasetItems.isEmpty());
        toolbar.setVisible(!datasetItems.isEmpty());
        bulkBar.setVisible(!datasetItems.isEmpty());
        examples.setVisible(!datasetItems.isEmpty());
    }

    private static void count(Grid.Column<?> column) {
        column.setTextAlign(ColumnTextAlign.END).setAutoWidth(true).setFlexGrow(0);
    }

    private static String number(long n) {
        return String.format("%,d", n);
    }
}
