package dev.chameleon.workbench.web.common;

/** How the views turn wire names ({@code visual_chat}, {@code accepted}) into labels. */
public final class Labels {

    private Labels() {
    }

    /** "visual_chat" as "Visual chat": the first letter upper-case, underscores as spaces. */
    public static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1).replace('_', ' ');
    }
}
