package dev.chameleon.workbench.web.generation;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadHandler;
import com.vaadin.flow.server.streams.UploadMetadata;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * An optional image for the prompt: uploaded into memory (nothing is written to the workspace), decoded at
 * once so an unreadable file is refused on the spot, and shown as a thumbnail.
 */
public class PromptImage extends Div {

    /** Larger files are refused by the upload: prompt images are scaled to a few dozen pixels anyway. */
    static final int MAX_BYTES = 10 * 1024 * 1024;

    private final String idPrefix;
    private final Upload upload;
    private final Div thumbnail = new Div();
    private BufferedImage image;
    private String fileName;

    /** @param idPrefix prefixes the ids: "" gives "prompt-image-upload" and "prompt-image-thumbnail" */
    public PromptImage(String idPrefix) {
        this.idPrefix = idPrefix;
        upload = new Upload(UploadHandler.inMemory(this::received));
        upload.setId(idPrefix + "prompt-image-upload");
        upload.setMaxFiles(1);
        upload.setMaxFileSize(MAX_BYTES);
        upload.setAcceptedFileTypes("image/png", "image/jpeg", "image/gif", "image/bmp", ".png", ".jpg", ".jpeg",
                ".gif", ".bmp");
        upload.setDropLabel(new Span("Attach an image to the prompt (optional)"));
        upload.addFileRemovedListener(e -> clear());
        thumbnail.setId(idPrefix + "prompt-image-thumbnail");
        add(upload, thumbnail);
    }

    /** The attached image as a list (empty or one image), for a request. */
    public List<BufferedImage> images() {
        return image == null ? List.of() : List.of(image);
    }

    /** The attached file's name, or null. */
    public String fileName() {
        return fileName;
    }

    private void received(UploadMetadata meta, byte[] bytes) throws IOException {
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(bytes));
        if (read == null) {
            clear();
            upload.clearFileList();
            Notification.show(meta.fileName() + " is not an image this server can read; attach a PNG, JPEG, GIF or BMP",
                    8000, Notification.Position.BOTTOM_START).addThemeVariants(NotificationVariant.LUMO_ERROR);
            return;
        }
        image = read;
        fileName = meta.fileName();
        thumbnail.removeAll();
        Image img = Pictures.image(read, meta.fileName(), "96px");
        img.setId(idPrefix + "prompt-image-preview");
        thumbnail.add(img, new Span(String.format("%s (%d x %d)", meta.fileName(), read.getWidth(), read.getHeight())));
    }

    private void clear() {
        image = null;
        fileName = null;
        thumbnail.removeAll();
    }
}
