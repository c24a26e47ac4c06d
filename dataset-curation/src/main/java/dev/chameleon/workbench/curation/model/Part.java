package dev.chameleon.workbench.curation.model;

import java.util.Objects;

/** One ordered piece of a message: a run of text, or a reference to an image in the image store. */
public sealed interface Part permits Part.Text, Part.Image, Part.RemoteImage {

    /** A run of text. */
    record Text(String text) implements Part {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * An image held by the content-addressed image store.
     *
     * @param sha256 lower-case hex SHA-256 of the original bytes: the image's key in the store
     */
    record Image(String sha256) implements Part {
        public Image {
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("image sha256 must be 64 lower-case hex digits, got " + sha256);
            }
        }
    }

    /**
     * An image known only by its http(s) address: kept as the source gave it, not available offline until it is
     * fetched into the store (import's --fetch-images). Prompt sets may hold such images; training needs stored ones.
     *
     * @param url the absolute http or https address
     */
    record RemoteImage(String url) implements Part {
        public RemoteImage {
            if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("a remote image needs an http(s) address, got " + url);
            }
        }
    }

    /** True for both stored and remote images. */
    default boolean isImage() {
        return !(this instanceof Text);
    }

    static Part text(String text) {
        return new Text(text);
    }

    static Part image(String sha256) {
        return new Image(sha256);
    }
}
