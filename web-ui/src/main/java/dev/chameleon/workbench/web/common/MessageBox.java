package dev.chameleon.workbench.web.common;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import dev.chameleon.workbench.curation.images.ImageStore;
import dev.chameleon.workbench.curation.model.Message;
import dev.chameleon.workbench.curation.model.Part;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * One message as it will be trained on: its role, text as text, stored images inline from the image store, and
 * images known only by their web address marked as not available offline. Shared by the example dialog and the
 * import preview, so a user sees a record the same way before and after importing it.
 */
public final class MessageBox {

    private MessageBox() {
    }

    public static Div of(Message m, ImageStore images) {
        Div box = new Div();
        box.addClassName("message");
        box.addClassName("message-" + m.role().wireName());
        box.getStyle().set("margin-bottom", "var(--lumo-space-m)").set("padding", "var(--lumo-space-s)")
                .set("border-radius", "var(--lumo-border-radius-m)")
                .set("background", switch (m.role()) {
                    case USER -> "var(--lumo-contrast-5pct)";
                    case ASSISTANT -> "var(--lumo-primary-color-10pct)";
                    case SYSTEM -> "var(--lumo-contrast-10pct)";
                    case FUNCTION_CALL -> "var(--lumo-success-color-10pct)";
                    case OBSERVATION -> "var(--lumo-contrast-5pct)";
                });
        Span role = new Span(Labels.capitalized(m.role().wireName()));
        role.addClassName("message-role");
        role.getStyle().set("font-weight", "600").set("font-size", "var(--lumo-font-size-s)");
        box.add(role);
        for (Part p : m.parts()) {
            if (p instanceof Part.Text t) {
                Paragraph text = new Paragraph(t.text());
                text.addClassName("message-text");
                text.getStyle().set("white-space", "pre-wrap").set("margin", "var(--lumo-space-xs) 0");
                box.add(text);
            } else if (p instanceof Part.Image i) {
                Image img = new Image(imageHandler(images, i.sha256()), "image " + i.sha256().substring(0, 12));
                img.addClassName("message-image");
                img.getStyle().set("display", "block").set("max-width", "100%").set("max-height", "20rem")
                        .set("margin", "var(--lumo-space-xs) 0").set("image-rendering", "auto");
                box.add(img);
            } else if (p instanceof Part.RemoteImage r) {
                Paragraph remote = new Paragraph("Image not available offline: " + r.url());
                remote.addClassName("message-remote-image");
                remote.getStyle().set("font-style", "italic").set("color", "var(--lumo-secondary-text-color)")
                        .set("border", "1px dashed var(--lumo-contrast-30pct)").set("padding", "var(--lumo-space-s)");
                box.add(remote);
            }
        }
        return box;
    }

    /** Serves an image's original bytes from the content-addressed store. */
    private static DownloadHandler imageHandler(ImageStore images, String sha256) {
        return DownloadHandler.fromInputStream(event -> {
            byte[] bytes;
            try {
                bytes = images.read(sha256);
            } catch (IOException e) {
                return DownloadResponse.error(404, "image " + sha256 + " is not in the image store");
            }
            return new DownloadResponse(new ByteArrayInputStream(bytes), sha256, mimeType(bytes), bytes.length);
        }).inline();
    }

    /** The MIME type from the file's magic bytes (the store keeps bytes exactly as imported). */
    static String mimeType(byte[] b) {
        if (b.length >= 4 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
            return "image/jpeg";
        }
        if (b.length >= 3 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
            return "image/gif";
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return "image/bmp";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[8] == 'W' && b[9] == 'E') {
            return "image/webp";
        }
        return "application/octet-stream";
    }
}
