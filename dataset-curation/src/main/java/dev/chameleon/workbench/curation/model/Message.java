package dev.chameleon.workbench.curation.model;

import java.util.List;
import java.util.Objects;

/** One turn of a conversation: a role and its ordered parts. */
public record Message(Role role, List<Part> parts) {
    public Message {
        Objects.requireNonNull(role, "role");
        parts = List.copyOf(parts);
    }

    public static Message of(Role role, Part... parts) {
        return new Message(role, List.of(parts));
    }

    public static Message text(Role role, String text) {
        return new Message(role, List.of(new Part.Text(text)));
    }

    public boolean hasImage() {
        return parts.stream().anyMatch(Part::isImage);
    }

    /** True when an image of this message is only known by its address (not in the image store). */
    public boolean hasRemoteImage() {
        return parts.stream().anyMatch(p -> p instanceof Part.RemoteImage);
    }

    public boolean hasText() {
        return parts.stream().anyMatch(p -> p instanceof Part.Text t && !t.text().isBlank());
    }

    public long imageCount() {
        return parts.stream().filter(Part::isImage).count();
    }

    /** The message's text parts joined by newlines. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Part.Text t) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(t.text());
            }
        }
        return sb.toString();
    }
}
