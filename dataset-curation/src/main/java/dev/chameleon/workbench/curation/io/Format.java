package dev.chameleon.workbench.curation.io;

import java.util.Locale;

/** The source formats the importer reads. */
public enum Format {
    /** Our canonical JSONL (what export writes): category, status, messages with typed parts. */
    WORKBENCH,
    /** OpenAI chat: {@code messages} with string content or typed parts (text, image_url). */
    OPENAI,
    /** ShareGPT: {@code conversations} of {@code from}/{@code value}, {@code <image>} placeholders + {@code images}. */
    SHAREGPT,
    /** Alpaca: {@code instruction}, optional {@code input}, {@code output}. */
    ALPACA,
    /** LLaVA: {@code image} + {@code conversations}, or {@code image} + {@code instruction}/{@code output}. */
    LLAVA,
    /** {@code prompt}/{@code completion} pairs. */
    PROMPT_COMPLETION,
    /** A folder of images with a captions file (captions.tsv, captions.csv, captions.jsonl or per-image .txt). */
    CAPTION_FOLDER,
    /** WebDataset tar shards: {@code key.jpg|png} with {@code key.txt} or {@code key.json} captions. */
    WEBDATASET;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Format parse(String s) {
        if (s != null) {
            String k = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
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
