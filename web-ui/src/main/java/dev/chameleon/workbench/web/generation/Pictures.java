package dev.chameleon.workbench.web.generation;

import com.vaadin.flow.component.html.Image;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * Shows model-sized pictures (32-64 px) large enough to see: PNG data URLs, scaled up with hard pixel edges
 * so the codes' blocks stay visible instead of blurring.
 */
public final class Pictures {

    /** Displayed width of an answer image. */
    static final String WIDTH = "256px";

    private Pictures() {
    }

    /** An image element showing {@code image} scaled to {@code width}. */
    static Image image(BufferedImage image, String alt, String width) {
        Image img = new Image(dataUrl(image), alt);
        img.setWidth(width);
        img.getStyle().set("image-rendering", "pixelated").set("border", "1px solid var(--lumo-contrast-20pct)")
                .set("display", "block").set("background", "var(--lumo-contrast-5pct)");
        return img;
    }

    /** {@code data:image/png;base64,...} of the image. */
    public static String dataUrl(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", png)) {
                throw new IllegalStateException("no PNG writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
