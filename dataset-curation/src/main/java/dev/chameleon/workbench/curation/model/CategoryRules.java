package dev.chameleon.workbench.curation.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The shape each category requires, and detection of a category from structure and content.
 *
 * <p>Detection reads structure first (where the images sit), then content (code fences, refusals).
 * Validation returns every broken rule as a sentence a user can act on; an empty list means valid.
 */
public final class CategoryRules {

    /**
     * Signs of source code: a literal that starts the sign, and what must follow it right there. Checking each
     * literal with indexOf and only then the short pattern at that spot keeps detection linear and cheap.
     */
    private static final List<CodeSign> CODE_SIGNS = List.of(
            new CodeSign("```", ""),
            new CodeSign("def ", "\\w+\\("),
            new CodeSign("public ", "(static |final )*(void|class|int|long|boolean|double|String|interface|enum|record)\\b"),
            new CodeSign("#include", "\\s*[<\"]"),
            new CodeSign("function ", "\\w*\\s*\\("),
            new CodeSign("class ", "\\w+(\\([^)\\n]*\\))?\\s*[:{]"),
            new CodeSign("import ", "[\\w.]+\\s*(;|\\n|$| as )"),
            new CodeSign("SELECT ", "[^\\n]+ FROM\\b"),
            new CodeSign("console.log(", ""),
            new CodeSign("return ", "[^\\n]*;"));

    private record CodeSign(String literal, Pattern rest) {
        CodeSign(String literal, String rest) {
            this(literal, Pattern.compile(rest));
        }

        boolean foundIn(String text) {
            for (int at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + 1)) {
                boolean wordStart = at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1));
                int end = at + literal.length();
                if (wordStart && rest.matcher(text).region(end, text.length()).lookingAt()) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final Pattern REFUSAL = Pattern.compile(
            "\\b(i can(?:'|no)?t help|i can(?:'|no)?t assist|i cannot (?:help|assist|provide)|i won'?t (?:help|provide)"
                    + "|i'm not able to help|i am not able to help|i must decline|i'm sorry, but i can)",
            Pattern.CASE_INSENSITIVE);

    /** Lower-case fragments one of which every {@link #REFUSAL} match contains. */
    private static final String[] REFUSAL_HINTS = {"help", "assist", "provide", "decline", "sorry"};

    private final HarmTaxonomy taxonomy;

    public CategoryRules(HarmTaxonomy taxonomy) {
        this.taxonomy = taxonomy;
    }

    public HarmTaxonomy taxonomy() {
        return taxonomy;
    }

    /** Guesses the category of a conversation from where its images are and what its text looks like. */
    public Category detect(List<Message> messages, String harmCategory) {
        if (harmCategory != null && !harmCategory.isBlank()) {
            return Category.SAFETY;
        }
        Category structural = detectStructure(messages);
        if (structural != Category.TEXT) {
            return structural;
        }
        StringBuilder answers = new StringBuilder();
        for (Message m : messages) {
            if (m.role() == Role.ASSISTANT) {
                answers.append(m.text()).append('\n');
            }
        }
        String answerText = answers.toString();
        if (isRefusal(answerText)) {
            return Category.SAFETY;
        }
        if (looksLikeCode(answerText)) {
            return Category.CODE;
        }
        return Category.TEXT;
    }

    /**
     * The category where the images sit says, ignoring what the text looks like: Text when there are none. What
     * an importer falls back to when a guess from content (a refusal, say) breaks that category's rules.
     */
    public Category detectStructure(List<Message> messages) {
        boolean userImage = false;
        boolean answerImage = false;
        boolean answerMixes = false;
        for (Message m : messages) {
            if (m.role() == Role.USER && m.hasImage()) {
                userImage = true;
            }
            if (m.role() == Role.ASSISTANT && m.hasImage()) {
                answerImage = true;
                answerMixes |= m.hasText();
            }
        }
        if (answerImage) {
            return answerMixes ? Category.INTERLEAVED_GENERATION : Category.IMAGE_GENERATION;
        }
        return userImage ? Category.VISUAL_CHAT : Category.TEXT;
    }

    /** True when an answer reads as a refusal ("I can't help with that."). */
    public static boolean isRefusal(String text) {
        for (String h : REFUSAL_HINTS) {
            if (containsIgnoreCase(text, h)) {
                return REFUSAL.matcher(text).find();
            }
        }
        return false;
    }

    /** True when the text shows a sign of source code (a fence, a definition, an include, a statement). */
    public static boolean looksLikeCode(String text) {
        for (CodeSign sign : CODE_SIGNS) {
            if (sign.foundIn(text)) {
                return true;
            }
        }
        return false;
    }

    /** {@code hint} must be lower-case ASCII. Allocates nothing, unlike lower-casing the text. */
    private static boolean containsIgnoreCase(String text, String hint) {
        int n = hint.length();
        char first = hint.charAt(0);
        for (int i = 0, last = text.length() - n; i <= last; i++) {
            if ((text.charAt(i) | 0x20) == first && text.regionMatches(true, i, hint, 0, n)) {
                return true;
            }
        }
        return false;
    }

    /** Every rule an SFT example breaks, as sentences naming the fix; empty when the example is valid. */
    public List<String> problems(Example e) {
        return problems(e, DatasetKind.SFT);
    }

    /**
     * Every rule the example breaks for a dataset of {@code kind}. A prompt set's examples need no answer, and
     * their harm labels are the source's own (kept as metadata), so the taxonomy is not enforced on them.
     */
    public List<String> problems(Example e, DatasetKind kind) {
        List<String> out = new ArrayList<>();
        List<Message> ms = e.messages();
        if (ms.isEmpty()) {
            out.add("the conversation has no messages");
            return out;
        }
        boolean prompts = kind == DatasetKind.PROMPTS;
        boolean hasUser = ms.stream().anyMatch(m -> m.role() == Role.USER);
        boolean hasAnswer = ms.stream().anyMatch(m -> m.role().isModelTurn());
        if (!hasUser) {
            out.add("the conversation has no user message; add the prompt as a user turn");
        }
        if (!hasAnswer && !prompts) {
            out.add("the conversation has no assistant message; SFT needs an answer to learn from");
        }
        for (int i = 0; i < ms.size(); i++) {
            Message m = ms.get(i);
            if (m.parts().isEmpty() || (!m.hasImage() && !m.hasText())) {
                out.add("message " + (i + 1) + " (" + m.role().wireName() + ") is empty");
            }
        }
        boolean userImage = ms.stream().anyMatch(m -> m.role() == Role.USER && m.hasImage());
        boolean answerImage = ms.stream().anyMatch(m -> m.role() == Role.ASSISTANT && m.hasImage());
        boolean answerMixes = ms.stream().anyMatch(m -> m.role() == Role.ASSISTANT && m.hasImage() && m.hasText())
                || (answerImage && ms.stream().anyMatch(m -> m.role() == Role.ASSISTANT && m.hasText()));
        switch (e.category()) {
            case IMAGE_GENERATION -> {
                if (!answerImage) {
                    out.add("an Image Generation example needs an image in an assistant answer");
                }
            }
            case VISUAL_CHAT -> {
                if (!userImage) {
                    out.add("a Visual Chat example needs an image in a user turn");
                }
            }
            case INTERLEAVED_GENERATION -> {
                if (!answerImage || !answerMixes) {
                    out.add("an Interleaved Generation answer must mix text and at least one image");
                }
            }
            case SAFETY -> {
                // A prompt set's harm labels are the source's own: kept as metadata, not checked here.
                String h = e.harmCategory();
                boolean missing = h == null || h.isBlank();
                if (!prompts && missing) {
                    out.add("a Safety example needs a harm category; use one of " + taxonomy.ids());
                } else if (!prompts && !taxonomy.contains(h)) {
                    out.add("unknown harm category '" + h + "'; use one of " + taxonomy.ids());
                }
            }
            case TEXT, CODE -> {
                if (answerImage || userImage) {
                    out.add("a " + e.category().label() + " example must not contain images; "
                            + "re-categorise it as Visual Chat, Image Generation or Interleaved Generation");
                }
            }
        }
        if (e.category() != Category.SAFETY && e.harmCategory() != null && !e.harmCategory().isBlank()) {
            out.add("only Safety examples carry a harm category (got '" + e.harmCategory().toLowerCase(Locale.ROOT)
                    + "' on a " + e.category().label() + " example)");
        }
        return out;
    }
}
