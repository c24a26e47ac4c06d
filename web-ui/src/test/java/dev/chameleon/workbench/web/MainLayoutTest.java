package dev.chameleon.workbench.web;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import dev.chameleon.workbench.web.datasets.DatasetsView;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("view")
class MainLayoutTest extends KaribuTest {

    @Test
    void sideNavigationListsTheViewsFromTheirMenuAnnotations() {
        UI.getCurrent().navigate(DatasetsView.class);
        SideNav nav = _get(SideNav.class);
        assertThat(nav.getItems()).extracting(SideNavItem::getLabel).containsExactly("Datasets", "Import", "Runs", "Playground", "Side by side");
        assertThat(nav.getItems()).extracting(SideNavItem::getPath).containsExactly("", "import", "runs", "playground", "compare");
    }
}
