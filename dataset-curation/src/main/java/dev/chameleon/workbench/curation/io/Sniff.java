package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tells formats apart: the container from the first bytes, the record format from the first record's keys. */
final class Sniff {

    /** How the bytes of a file are laid out. */
    enum Shape { TAR, JSONL, JSON_DOC, EMPTY, UNKNOWN }

    static final int PEEK = 1 << 16;

    private Sniff() {
    }

    /** True when the stream starts with the gzip magic bytes; the stream is left where it was. */
    static boolean gzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int a = in.read();
        int b = in.read();
        in.reset();
        return a == 0x1f && b == 0x8b;
    }

    /**
     * Peeks at up to 64 KiB: a tar header ("ustar" at 257), JSON starting with '[' or a lone '{' line (a
     * document), JSON starting with '{' (JSON Lines), or nothing known. A window of only whitespace is read
     * as a document so the parser, not this peek, walks the rest (the inflate guard bounds it).
     */
    static Shape shape(BufferedInputStream in) throws IOException {
        in.mark(PEEK + 1);
        byte[] p = in.readNBytes(PEEK);
        in.reset();
        if (p.length >= 262 && p[257] == 'u' && p[258] == 's' && p[259] == 't' && p[260] == 'a' && p[261] == 'r') {
            return Shape.TAR;
        }
        int i = 0;
        if (p.length >= 3 && (p[0] & 0xff) == 0xef && (p[1] & 0xff) == 0xbb && (p[2] & 0xff) == 0xbf) {
            i = 3;
        }
        while (i < p.length && isSpace(p[i])) {
            i++;
        }
        if (i == p.length) {
            return p.length < PEEK ? Shape.EMPTY : Shape.JSON_DOC;
        }
        if (p[i] == '[') {
            return Shape.JSON_DOC;
        }
        if (p[i] != '{') {
            return Shape.UNKNOWN;
        }
        int j = i + 1;
        while (j < p.length && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r')) {
            j++;
        }
        return j < p.length && p[j] == '\n' ? Shape.JSON_DOC : Shape.JSONL;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** The format a record's keys say it is in, or null when they match none. */
    static Format fromKeys(JsonNode rec) {
        if (rec.has("messages")) {
            return rec.has("category") ? Format.WORKBENCH : Format.OPENAI;
        }
        if (rec.has("conversations")) {
            return rec.has("image") && !rec.has("images") ? Format.LLAVA : Format.SHAREGPT;
        }
        if (rec.has("instruction")) {
            if (rec.has("image")) {
                return Format.LLAVA;
            }
            if (rec.has("output")) {
                return Format.ALPACA;
            }
        }
        if (rec.has("prompt") && rec.has("completion")) {
            return Format.PROMPT_COMPLETION;
        }
        return null;
    }

    /** The supported formats and the keys or shapes that identify them, for refusals. */
    static String supported() {
        return "supported formats: workbench (messages + category), openai (messages), sharegpt (conversations of "
                + "from/value), alpaca (instruction/input/output), llava (image + conversations or instruction/output), "
                + "prompt-completion (prompt/completion), each as JSONL or a JSON array, optionally gzip-compressed; "
                + "caption-folder (a folder of images with captions.tsv, captions.csv, captions.jsonl or same-name "
                + ".txt files); webdataset (a .tar shard)";
    }

    /** A refusal for a record whose keys match no format. */
    static String unknownKeys(JsonNode rec, long line) {
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : rec.properties()) {
            keys.add(f.getKey());
        }
        if (keys.size() > 12) {
            keys = new ArrayList<>(keys.subList(0, 12));
            keys.add("...");
        }
        return "cannot tell the format: the first record (line " + line + ") has keys " + keys
                + ", which match no supported format; " + supported()
                + ". Rename the fields, or pass --format NAME to choose one";
    }
}
