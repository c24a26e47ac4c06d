package dev.chameleon.workbench.web.imports;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.io.ColumnMap;
import dev.chameleon.workbench.curation.io.ImportPreview;
import dev.chameleon.workbench.curation.io.ImportProblem;
import dev.chameleon.workbench.curation.model.DatasetKind;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.web.common.MessageBox;

import java.util.TreeMap;

/** One upload's preview: what was found, any refusal in one line, and the first examples as stored. */
final class PreviewCard extends Div {

    /** What the preview of one upload gave, or why there is none (one line). */
    record FilePreview(String name, ImportPreview preview, String error) {
    }

    PreviewCard(FilePreview fp, boolean formatChosen, ImageStore images) {
        addClassName("file-preview");
        add(new H3("Preview of " + fp.name()));
        if (fp.error() != null) {
            add(refusal(fp.name() + ": " + fp.error()));
            return;
        }
        ImportPreview p = fp.preview();
        add(fact("preview-format", "Format: " + (p.format() == null ? "not recognised"
                : p.format().wireName() + (formatChosen ? " (chosen)" : " (detected)"))));
        add(fact("preview-mapping", "Mapping in effect: "
                + (p.columns().isEmpty() ? "none" : ColumnMap.format(new TreeMap<>(p.columns())))));
        add(fact("preview-kind", "Looks like: " + (p.suggestedKind() == DatasetKind.PROMPTS
                ? "a prompt set" : "SFT conversations")));
        for (ImportProblem problem : p.problems()) {
            if (problem.line() == 0) {
                add(refusal(problem.toString()));
            } else {
                Paragraph refused = new Paragraph("Refused " + problem);
                refused.addClassName("preview-problem");
                add(refused);
            }
        }
        if (p.examples().isEmpty() && p.problems().isEmpty()) {
            add(fact("preview-empty", "No records."));
        }
        for (Example e : p.examples()) {
            Div example = new Div();
            example.addClassName("preview-example");
            example.getStyle().set("border-top", "1px solid var(--lumo-contrast-10pct)")
                    .set("padding-top", "var(--lumo-space-s)");
            example.add(fact("preview-source", e.source() + " · " + e.category().label()));
            e.messages().forEach(m -> example.add(MessageBox.of(m, images)));
            if (e.hasRejected()) {
                example.add(fact("preview-rejected", "Rejected answer:"));
                e.rejected().forEach(m -> example.add(MessageBox.of(m, images)));
            }
            add(example);
        }
    }

    private static Paragraph fact(String className, String text) {
        Paragraph p = new Paragraph(text);
        p.addClassName(className);
        p.getStyle().set("margin", "var(--lumo-space-xs) 0");
        return p;
    }

    private static Paragraph refusal(String text) {
        Paragraph p = fact("preview-refusal", text);
        p.getStyle().set("color", "var(--lumo-error-text-color)");
        return p;
    }
}
