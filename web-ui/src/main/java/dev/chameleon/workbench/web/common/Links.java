package dev.chameleon.workbench.web.common;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.RouteConfiguration;
import com.vaadin.flow.router.RouterLink;

/**
 * The views' routes, and links between views by route, so a feature package links to another view without
 * importing its class.
 */
public final class Links {

    /** The Datasets view; takes a {@code dataset} query parameter. */
    public static final String DATASETS = "";
    public static final String IMPORT = "import";
    public static final String RUNS = "runs";
    public static final String PLAYGROUND = "playground";
    public static final String COMPARE = "compare";

    private Links() {
    }

    /** A link to the view registered at {@code route}. */
    public static RouterLink to(String text, String route) {
        Class<? extends Component> target = RouteConfiguration.forApplicationScope().getRoute(route)
                .orElseThrow(() -> new IllegalStateException("No view is registered at route '" + route + "'"));
        return new RouterLink(text, target);
    }

    /** A link to the Datasets view with {@code dataset} selected. */
    public static RouterLink toDataset(String text, String dataset) {
        RouterLink link = to(text, DATASETS);
        link.setQueryParameters(QueryParameters.of("dataset", dataset));
        return link;
    }
}
