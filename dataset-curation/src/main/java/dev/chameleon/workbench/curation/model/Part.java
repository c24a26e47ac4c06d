package dev.chameleon.workbench.curation.model;

import java.util.Objects;

/** One ordered piece of a message: a run of text, or a reference to an image in the image store. */
public sealed interface Part permits Part.Text, Part.Image {

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

    static Part text(String text) {
        return new Text(text);
    }

    static Part image(String sha256) {
        return new Image(sha256);
    }
}
