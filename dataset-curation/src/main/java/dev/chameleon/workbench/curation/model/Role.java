package dev.chameleon.workbench.curation.model;

import java.util.Locale;

/** Who speaks a message in a conversation. */
public enum Role {
    SYSTEM, USER, ASSISTANT,
    /** The model calling a tool (ShareGPT's {@code function_call}): written by the model, so trained on. */
    FUNCTION_CALL,
    /** A tool's result handed back to the model (ShareGPT's {@code observation}): input, never trained on. */
    OBSERVATION;

    /** The lower-case name used in every file format we read and write. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the turns the model writes (assistant answers and tool calls): the ones loss is taken on. */
    public boolean isModelTurn() {
        return this == ASSISTANT || this == FUNCTION_CALL;
    }

    /**
     * Parses a role as the common formats spell it ("user", "human", "gpt", "assistant", "system").
     *
     * @throws IllegalArgumentException naming the accepted spellings
     */
    public static Role parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("missing role; use one of system, user, assistant");
        }
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "system":
                return SYSTEM;
            case "user": case "human": case "prompter":
                return USER;
            case "assistant": case "gpt": case "bot": case "model": case "chatbot":
                return ASSISTANT;
            case "function_call": case "tool_call": case "tool_calls":
                return FUNCTION_CALL;
            case "observation": case "tool": case "function": case "tool_response": case "ipython":
                return OBSERVATION;
            default:
                throw new IllegalArgumentException("unknown role '" + s
                        + "'; use one of system, user (human), assistant (gpt), function_call (tool_call), "
                        + "observation (tool)");
        }
    }
}
