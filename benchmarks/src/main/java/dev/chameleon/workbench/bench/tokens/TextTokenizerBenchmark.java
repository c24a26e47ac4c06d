package dev.chameleon.workbench.bench.tokens;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.chameleon.workbench.trainer.tokens.VocabularyLayout;
import dev.chameleon.workbench.trainer.tokens.text.BpeTokenizer;
import dev.chameleon.workbench.trainer.tokens.text.BpeTrainer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * One-run benchmark of the text tokenizer on real text that Debian ships: our BPE trainer against
 * sentencepiece's {@code spm_train} (BPE) at the same text vocabulary size, and our encoder against DJL's
 * Hugging Face tokenizer on the same tokenizer.json (ids must be identical).
 *
 * <p>Run it through the script, which installs {@code wamerican} and {@code sentencepiece} when missing,
 * builds the module and starts this class:
 * <pre>
 *   benchmarks/scripts/bench-tokenizers.sh                 # 50 MB, 32,000 text ids
 *   benchmarks/scripts/bench-tokenizers.sh --mb 50 --vocab 16000
 * </pre>
 * Options: {@code --work DIR} (default {@code /tmp/chameleon-bpe-bench}), {@code --mb N} corpus size,
 * {@code --vocab N} text ids for both trainers, {@code --threads N} for spm_train (default: all cores).
 *
 * <p>What it does: gathers documents from /usr/share/dict, /usr/share/common-licenses, /usr/share/doc
 * (copyright files, changelogs, READMEs; gzip opened) and /usr/share/man (roff sources), shuffles them with a
 * fixed seed, keeps the first N MB (each document capped at 1 MB), cuts them at line ends into pieces of
 * about 64 KB and holds out every 20th piece (5%).
 * Bytes per token are measured line by line (spm_encode encodes lines and drops the newline, so ours does the
 * same here); our figure on whole documents, newlines included, is printed too. Encoder throughput is UTF-8
 * MB/s over the held-out documents, one call per document, single thread, best of three passes after a
 * warm-up. Documents that spell an added token (e.g. {@code <s>}) are left out of the id comparison because
 * the Rust library turns those into special ids by design and ours never does.
 */
public final class TextTokenizerBenchmark {

    private TextTokenizerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of("/tmp/chameleon-bpe-bench");
        int mb = 50;
        int vocab = 32_000;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--work" -> work = Path.of(value);
                case "--mb" -> mb = Integer.parseInt(value);
                case "--vocab" -> vocab = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --work DIR, --mb N, --vocab N, --threads N");
            }
        }
        Files.createDirectories(work);

        long t0 = System.nanoTime();
        List<String> docs = chunks(corpus(mb * 1_000_000L), 64_000);
        List<String> train = new ArrayList<>();
        List<String> held = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            (i % 20 == 19 ? held : train).add(docs.get(i));
        }
        Path trainFile = work.resolve("train.txt");
        Path heldFile = work.resolve("heldout.txt");
        Files.writeString(trainFile, String.join("\n", train));
        Files.writeString(heldFile, String.join("\n", held));
        docs = null;
        System.out.printf("corpus: %d documents, train %.1f MB, held out %.1f MB (%d docs), built in %.1f s%n",
                train.size() + held.size(), Files.size(trainFile) / 1e6, Files.size(heldFile) / 1e6, held.size(),
                (System.nanoTime() - t0) / 1e9);
        train = null;

        // Ours: the text block holds exactly `vocab` ids (256 bytes + merges); specials and codes sit below it.
        VocabularyLayout probe = VocabularyLayout.standard(Integer.MAX_VALUE, 8192, 0);
        VocabularyLayout layout = VocabularyLayout.standard(probe.textStart() + vocab, 8192, 0);
        System.gc();
        long s0 = System.nanoTime();
        BpeTrainer trainer = new BpeTrainer(layout);
        trainer.addFile(trainFile);
        BpeTokenizer ours = trainer.train();
        double oursTrain = (System.nanoTime() - s0) / 1e9;
        Path json = work.resolve("tokenizer.json");
        ours.save(json);
        System.out.printf("ours: %d distinct pre-tokens, %d merges, %.1f s%n", trainer.distinctWords(),
                ours.mergeCount(), oursTrain);

        // sentencepiece: same text, no normalisation (so both see identical bytes), bytes for unknown chars.
        Path prefix = work.resolve("spm");
        List<String> cmd = List.of("spm_train", "--input=" + trainFile, "--model_prefix=" + prefix,
                "--model_type=bpe", "--vocab_size=" + vocab, "--byte_fallback=true", "--character_coverage=0.9995",
                "--normalization_rule_name=identity", "--remove_extra_whitespaces=false",
                "--input_sentence_size=0", "--max_sentence_length=16384", "--num_threads=" + threads,
                "--minloglevel=1");
        long p0 = System.nanoTime();
        run(cmd, work.resolve("spm_train.log"), null, null);
        double spmTrain = (System.nanoTime() - p0) / 1e9;
        System.out.printf("spm_train: %.1f s (log in %s)%n", spmTrain, work.resolve("spm_train.log"));

        // Bytes per token on held-out lines, both tokenizers on exactly the same lines.
        List<String> lines = Files.readAllLines(heldFile);
        long lineBytes = 0;
        long oursLineTokens = 0;
        for (String line : lines) {
            lineBytes += line.getBytes(StandardCharsets.UTF_8).length;
            oursLineTokens += ours.encode(line).length;
        }
        Path spmIds = work.resolve("heldout.spm-ids.txt");
        run(List.of("spm_encode", "--model=" + prefix + ".model", "--output_format=id"), work.resolve("spm_encode.log"),
                heldFile, spmIds);
        long spmTokens = 0;
        try (BufferedReader r = Files.newBufferedReader(spmIds)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String t = line.strip();
                spmTokens += t.isEmpty() ? 0 : t.split(" ").length;
            }
        }
        long heldBytes = 0;
        long oursDocTokens = 0;
        for (String d : held) {
            heldBytes += d.getBytes(StandardCharsets.UTF_8).length;
            oursDocTokens += ours.encode(d).length;
        }

        // Encoder throughput and identical ids against DJL on the same tokenizer.json.
        List<String> compared = new ArrayList<>();
        int skipped = 0;
        for (String d : held) {
            if (namesAddedToken(d)) {
                skipped++;
            } else {
                compared.add(d);
            }
        }
        long comparedBytes = compared.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).sum();
        // The Rust library scans text for its added tokens (specials and 8,192 image codes) before the BPE; a copy
        // of the file without them shows how much of its time that takes. Text ids are the same either way.
        Path plainJson = work.resolve("tokenizer.no-added.json");
        String full = Files.readString(json);
        int from = full.indexOf("\"added_tokens\": [");
        int to = full.indexOf("\n  ],", from);
        Files.writeString(plainJson, full.substring(0, from) + "\"added_tokens\": [" + full.substring(to));
        double oursMbs;
        double djlMbs;
        double djlPlainMbs;
        long comparedTokens = 0;
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.builder().optTokenizerPath(json)
                .optAddSpecialTokens(false).optTruncation(false).optPadding(false).build()) {
            for (String d : compared) {
                int[] a = ours.encode(d);
                long[] b = djl.encode(d, false, false).getIds();
                if (!Arrays.equals(a, Arrays.stream(b).mapToInt(Math::toIntExact).toArray())) {
                    throw new IllegalStateException("ids differ from DJL on a held-out document starting "
                            + d.substring(0, Math.min(80, d.length())).replace('\n', ' '));
                }
                comparedTokens += a.length;
            }
            oursMbs = comparedBytes / 1e6 / best(() -> {
                for (String d : compared) {
                    ours.encode(d);
                }
            });
            djlMbs = comparedBytes / 1e6 / best(() -> {
                for (String d : compared) {
                    djl.encode(d, false, false);
                }
            });
        }
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.builder().optTokenizerPath(plainJson)
                .optAddSpecialTokens(false).optTruncation(false).optPadding(false).build()) {
            djlPlainMbs = comparedBytes / 1e6 / best(() -> {
                for (String d : compared) {
                    djl.encode(d, false, false);
                }
            });
        }

        System.out.println();
        System.out.printf("corpus %d MB of Debian text, text vocabulary %,d ids for both, %d spm threads, %d cores%n",
                mb, vocab, threads, Runtime.getRuntime().availableProcessors());
        System.out.println("| measure                                | ours         | reference    | ratio |");
        System.out.println("|----------------------------------------|--------------|--------------|-------|");
        System.out.printf("| training wall clock (s)                | %12.1f | %12.1f | %5.2f | spm_train%n",
                oursTrain, spmTrain, oursTrain / spmTrain);
        double oursBpt = (double) lineBytes / oursLineTokens;
        double spmBpt = (double) lineBytes / spmTokens;
        System.out.printf("| held-out bytes/token, per line         | %12.3f | %12.3f | %5.3f | spm_encode%n",
                oursBpt, spmBpt, oursBpt / spmBpt);
        System.out.printf("| held-out bytes/token, whole documents  | %12.3f | %12s |       |%n",
                (double) heldBytes / oursDocTokens, "-");
        System.out.printf("| encode MB/s, identical ids (%,5d docs)| %12.2f | %12.2f | %5.2f | DJL HuggingFaceTokenizer%n",
                compared.size(), oursMbs, djlMbs, oursMbs / djlMbs);
        System.out.printf("| encode MB/s, DJL without added_tokens  | %12.2f | %12.2f | %5.2f | same merges, no specials%n",
                oursMbs, djlPlainMbs, oursMbs / djlPlainMbs);
        System.out.printf("ids compared: %,d tokens over %.1f MB, all identical; %d documents spelling an added token"
                + " left out%n", comparedTokens, comparedBytes / 1e6, skipped);
    }

    /** Documents cut at line ends into pieces of about {@code size} chars, so a 5% hold-out is 5% of the text. */
    private static List<String> chunks(List<String> docs, int size) {
        List<String> out = new ArrayList<>();
        for (String d : docs) {
            int at = 0;
            while (at < d.length()) {
                int end = Math.min(d.length(), at + size);
                int nl = end < d.length() ? d.lastIndexOf('\n', end) : -1;
                if (nl > at) {
                    end = nl + 1;
                }
                out.add(d.substring(at, end));
                at = end;
            }
        }
        return out;
    }

    private static boolean namesAddedToken(String d) {
        for (String s : new String[] {"<s>", "</s>", "<pad>", "<unk>", "<eoss>", "<racm3:break>", "<reserved",
                "IMGIMG"}) {
            if (d.contains(s)) {
                return true;
            }
        }
        return false;
    }

    private static double best(Runnable pass) {
        pass.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            pass.run();
            best = Math.min(best, (System.nanoTime() - t) / 1e9);
        }
        return best;
    }

    private static void run(List<String> cmd, Path log, Path stdin, Path stdout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        pb.redirectOutput(stdout != null ? stdout.toFile() : log.resolveSibling(log.getFileName() + ".out").toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException(cmd.get(0) + " is not installed; run benchmarks/scripts/bench-tokenizers.sh"
                    + " (it installs Debian's sentencepiece) or apt-get install -y sentencepiece", e);
        }
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException(cmd.get(0) + " failed with exit code " + rc + "; see " + log);
        }
    }

    /** Debian-shipped text documents, shuffled with a fixed seed, up to {@code limit} UTF-8 bytes. */
    static List<String> corpus(long limit) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String root : new String[] {"/usr/share/dict", "/usr/share/common-licenses", "/usr/share/doc",
                "/usr/share/man"}) {
            Path r = Path.of(root);
            if (!Files.isDirectory(r)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(r)) {
                s.filter(Files::isRegularFile).filter(p -> !Files.isSymbolicLink(p)).filter(TextTokenizerBenchmark::looksTextual)
                        .sorted().forEach(files::add);
            }
        }
        Collections.shuffle(files, new Random(2024));
        List<String> docs = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            if (total >= limit) {
                break;
            }
            String text = read(f, 1_000_000);
            if (text == null || text.isBlank()) {
                continue;
            }
            long bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (total + bytes > limit) {
                int keep = (int) Math.min(text.length(), limit - total);
                text = text.substring(0, keep);
                bytes = text.getBytes(StandardCharsets.UTF_8).length;
            }
            docs.add(text);
            total += bytes + 1;
        }
        if (total < limit * 9 / 10) {
            throw new IllegalStateException("only " + total / 1_000_000 + " MB of text found under /usr/share;"
                    + " install more documentation (e.g. apt-get install -y wamerican) or lower --mb");
        }
        return docs;
    }

    private static boolean looksTextual(Path p) {
        String n = p.getFileName().toString();
        if (n.endsWith(".gz")) {
            return !n.endsWith(".tar.gz");
        }
        return !n.contains(".") || n.endsWith(".txt") || n.endsWith(".md") || n.equals("copyright")
                || n.startsWith("README") || n.startsWith("NEWS") || n.startsWith("changelog");
    }

    /** The file's text (gzip opened), at most {@code maxChars}; null for binary files. */
    private static String read(Path f, int maxChars) throws IOException {
        try (InputStream raw = Files.newInputStream(f)) {
            InputStream in = f.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            byte[] bytes = in.readNBytes(maxChars);
            for (byte b : bytes) {
                if (b == 0) {
                    return null;
                }
            }
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            return decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            return null; // a damaged or non-gzip .gz file: not text we can use
        }
    }
}
