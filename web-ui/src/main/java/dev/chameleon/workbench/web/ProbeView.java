package dev.chameleon.workbench.web;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Route;

import java.util.List;

@Route("")
public class ProbeView extends VerticalLayout {
    public ProbeView() {
        Grid<String> g = new Grid<>();
        g.addColumn(s -> s).setHeader("Name");
        g.setItems(List.of("a", "b", "c"));
        add(new H1("Probe"), g);
    }
}
