package dev.chameleon.workbench.curation.io;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tells formats apart: the container from the file name and the first bytes, the record format from the first
 * record's keys.
 */
final class Sniff {

    /** How the bytes of a file are laid out. */
    enum Shape { TAR, JSONL, JSON_DOC, CSV, EMPTY, UNKNOWN }

    static final int PEEK = 1 << 16;

    /** Longest header name taken as a sign of a CSV header row when the name does not say CSV. */
    private static final int MAX_HEADER_NAME = 100;

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

    /** True for names that say delimited text: .csv, .tsv, optionally followed by .gz. */
    static boolean csvName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        return n.endsWith(".csv") || n.endsWith(".tsv");
    }

    /** {@link #shape(BufferedInputStream, String)} for an input whose name says nothing. */
    static Shape shape(BufferedInputStream in) throws IOException {
        return shape(in, "");
    }

    /**
     * Peeks at up to 64 KiB: a tar header ("ustar" at 257); a file named .csv/.tsv; JSON starting with '[' or a
     * lone '{' line (a document), JSON starting with '{' (JSON Lines); a first line that reads as a CSV header
     * (names split by {@code ,} {@code ;} or tab); or nothing known. A window of only whitespace is read as a
     * document so the parser, not this peek, walks the rest (the inflate guard bounds it).
     */
    static Shape shape(BufferedInputStream in, String name) throws IOException {
        byte[] p = peek(in);
        if (p.length >= 262 && p[257] == 'u' && p[258] == 's' && p[259] == 't' && p[260] == 'a' && p[261] == 'r') {
            return Shape.TAR;
        }
        int i = bom(p);
        while (i < p.length && isSpace(p[i])) {
            i++;
        }
        if (i == p.length) {
            return p.length < PEEK ? Shape.EMPTY : Shape.JSON_DOC;
        }
        if (csvName(name)) {
            return Shape.CSV;
        }
        if (p[i] == '[') {
            return Shape.JSON_DOC;
        }
        if (p[i] != '{') {
            return csvHeader(p, i) ? Shape.CSV : Shape.UNKNOWN;
        }
        int j = i + 1;
        while (j < p.length && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r')) {
            j++;
        }
        return j < p.length && p[j] == '\n' ? Shape.JSON_DOC : Shape.JSONL;
    }

    /**
     * What the input starts with, for a refusal: its first line quoted (shortened), or for binary data its first
     * bytes in hex.
     */
    static String describeStart(BufferedInputStream in) throws IOException {
        byte[] p = peek(in);
        int n = Math.min(p.length, 16);
        for (int i = 0; i < Math.min(p.length, 512); i++) {
            int b = p[i] & 0xff;
            if (b < 0x20 && b != '\n' && b != '\r' && b != '\t') {
                StringBuilder hex = new StringBuilder();
                for (int k = 0; k < n; k++) {
                    hex.append(k == 0 ? "" : " ").append(String.format("%02x", p[k] & 0xff));
                }
                return "binary data (first bytes " + hex + ")";
            }
        }
        int from = bom(p);
        int end = from;
        while (end < p.length && p[end] != '\n' && p[end] != '\r') {
            end++;
        }
        String line = new String(p, from, end - from, StandardCharsets.UTF_8).strip();
        return "text starting \"" + (line.length() > 60 ? line.substring(0, 60) + "..." : line) + "\"";
    }

    private static byte[] peek(BufferedInputStream in) throws IOException {
        in.mark(PEEK + 1);
        byte[] p = in.readNBytes(PEEK);
        in.reset();
        return p;
    }

    private static int bom(byte[] p) {
        return p.length >= 3 && (p[0] & 0xff) == 0xef && (p[1] & 0xff) == 0xbb && (p[2] & 0xff) == 0xbf ? 3 : 0;
    }

    /**
     * True when the line at {@code from} looks like a header row: it ends inside the window, holds no control
     * characters, and splits at one of {@code ,} {@code ;} or tab (outside quotes) into at least two short, non-empty
     * names.
     */
    private static boolean csvHeader(byte[] p, int from) {
        int end = from;
        while (end < p.length && p[end] != '\n') {
            int b = p[end] & 0xff;
            if (b < 0x20 && b != '\t' && b != '\r') {
                return false;
            }
            end++;
        }
        if (end == p.length && p.length == PEEK) {
            return false;
        }
        String line = new String(p, from, end - from, StandardCharsets.UTF_8).strip();
        for (char d : new char[] {',', ';', '\t'}) {
            List<String> names = split(line, d);
            if (names.size() >= 2 && names.stream().allMatch(s -> !s.isBlank() && s.length() <= MAX_HEADER_NAME)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> split(String line, char d) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == d && !quoted) {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().strip());
        return out;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** The format a record's keys say it is in, or null when they match none. */
    static Format fromKeys(JsonNode rec) {
        if (rec.has("messages")) {
            return rec.has("category") && !rec.has("chosen") ? Format.WORKBENCH : Format.OPENAI;
        }
        if (rec.has("conversations")) {
            return rec.has("image") && !rec.has("images") ? Format.LLAVA : Format.SHAREGPT;
        }
        if (rec.has("instruction")) {
            if (rec.has("instances")) {
                return Format.SELF_INSTRUCT;
            }
            if (rec.has("image")) {
                return Format.LLAVA;
            }
            if (rec.has("output")) {
                return Format.ALPACA;
            }
        }
        if (rec.has("prompt")) {
            return promptFormat(rec);
        }
        if (rec.has("question") && rec.has("answer")) {
            return Format.QUESTION_ANSWER;
        }
        if (rec.has("text") && rec.has("code")) {
            return Format.TEXT_CODE;
        }
        return null;
    }

    /** A record with a {@code prompt}: which field, if any, answers it. */
    private static Format promptFormat(JsonNode rec) {
        if (rec.has("completion")) {
            return Format.PROMPT_COMPLETION;
        }
        if (rec.has("canonical_solution")) {
            return Format.CODE_COMPLETION;
        }
        if (rec.has("chosen") || rec.has("rejected")) {
            return Format.PREFERENCE;
        }
        if (rec.has("response")) {
            return Format.PROMPT_RESPONSE;
        }
        return Format.PROMPT_SET;
    }

    /** The supported formats and the keys or shapes that identify them, for refusals. */
    static String supported() {
        return "supported formats: workbench (messages + category), openai (messages of role/content, typed parts, "
                + "images with <image> placeholders, tool_calls), sharegpt (conversations of from/value, images with "
                + "<image>, tools, chosen/rejected), alpaca (instruction/input/output), llava (image + conversations "
                + "or instruction/output), prompt-completion (prompt/completion), prompt-response (prompt/response), "
                + "question-answer (question/answer), text-code (text/code), code-completion "
                + "(prompt/canonical_solution), self-instruct (instruction/instances), preference "
                + "(prompt/chosen/rejected), prompt-set (prompt, optional image_urls with <img>), each as JSONL, a "
                + "JSON array or CSV/TSV with a header row, optionally gzip-compressed; caption-folder (a folder of "
                + "images with captions.tsv, captions.csv, captions.jsonl or same-name .txt files); webdataset (a .tar "
                + "shard)";
    }

    /** A refusal for a record whose keys match no format. */
    static String unknownKeys(JsonNode rec, long line, boolean csv) {
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : rec.properties()) {
            keys.add(f.getKey());
        }
        if (keys.size() > 12) {
            keys = new ArrayList<>(keys.subList(0, 12));
            keys.add("...");
        }
        return "cannot tell the format: " + (csv ? "the header row names the columns " : "the first record (line "
                + line + ") has keys ") + keys
                + ", which match no supported format; " + supported() + ". Pass --format NAME to choose one, or "
                + "--map to name the fields (e.g. --map " + example(keys) + ")";
    }

    /** A mapping suggestion built from the record's own first keys. */
    private static String example(List<String> keys) {
        if (keys.size() >= 2 && !keys.get(1).equals("...")) {
            return keys.get(0) + "=prompt," + keys.get(1) + "=response";
        }
        return keys.isEmpty() ? "question=prompt,answer=response" : keys.get(0) + "=prompt";
    }
}
