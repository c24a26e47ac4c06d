package dev.chameleon.workbench.curation.io;

import java.util.Locale;

/** The source formats the importer reads. */
public enum Format {
    /** Our canonical JSONL (what export writes): category, status, messages with typed parts. */
    WORKBENCH,
    /**
     * Chat {@code messages} of {@code role}/{@code content}: OpenAI (string content or typed parts, tool_calls) and
     * LLaMA-Factory's multimodal form (an {@code images} list filling {@code <image>} placeholders).
     */
    OPENAI,
    /** ShareGPT: {@code conversations} of {@code from}/{@code value}, {@code <image>} placeholders + {@code images}. */
    SHAREGPT,
    /** Alpaca: {@code instruction}, optional {@code input}, {@code output}. */
    ALPACA,
    /** LLaVA: {@code image} + {@code conversations}, or {@code image} + {@code instruction}/{@code output}. */
    LLAVA,
    /** {@code prompt}/{@code completion} pairs. */
    PROMPT_COMPLETION,
    /** {@code prompt}/{@code response} pairs: the generic shape a column mapping reads any fields as. */
    PROMPT_RESPONSE,
    /** {@code question}/{@code answer} pairs (GSM8K). */
    QUESTION_ANSWER,
    /** {@code text}/{@code code} pairs (MBPP); the tests and other fields are kept as metadata. */
    TEXT_CODE,
    /** {@code prompt}/{@code canonical_solution} code completion (HumanEval); task_id, test, entry_point kept. */
    CODE_COMPLETION,
    /** Self-instruct seed tasks: {@code instruction} + {@code instances} of {input, output}, one example each. */
    SELF_INSTRUCT,
    /** Preference pairs {@code prompt}/{@code chosen}/{@code rejected} (strings or message lists). */
    PREFERENCE,
    /** Prompts without answers ({@code prompt}, optional {@code image_urls} filling {@code <img>} placeholders). */
    PROMPT_SET,
    /**
     * Delimited text with a header row ({@code ,} {@code ;} or tab, sniffed); each row is read as a record with
     * the header's names, in whichever record format those names match. Also accepted as "tsv".
     */
    CSV,
    /** A folder of images with a captions file (captions.tsv, captions.csv, captions.jsonl or per-image .txt). */
    CAPTION_FOLDER,
    /** WebDataset tar shards: {@code key.jpg|png} with {@code key.txt} or {@code key.json} captions. */
    WEBDATASET;

    /** True for the formats that say how one JSON (or CSV) record reads, as opposed to a container. */
    public boolean isRecordFormat() {
        return this != CSV && this != CAPTION_FOLDER && this != WEBDATASET;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Format parse(String s) {
        if (s != null) {
            String k = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            if (k.equals("TSV")) {
                return CSV;
            }
            for (Format f : values()) {
                if (f.name().equals(k)) {
                    return f;
                }
            }
        }
        StringBuilder names = new StringBuilder();
        for (Format f : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(f.wireName());
        }
        throw new IllegalArgumentException("unknown format '" + s + "'; use one of " + names);
    }
}
