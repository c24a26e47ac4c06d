package dev.chameleon.workbench.bench.curation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.model.Category;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.search.SearchRequest;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The curation benchmark: generates a large SFT file, imports it and measures import rate, peak heap, index size,
 * search latency and grid page latency, beside Jackson's bare parse rate of the same file.
 *
 * <p>Run it with the heap limit it is judged by: {@code java -Xmx512m -jar benchmarks.jar curation}.
 */
public final class CurationBenchmark {

    /** The measured figures, as printed. */
    public record Result(long textExamples, long imageExamples, long fileBytes, double bareParsePerSec,
                         double importPerSec, double importShareOfParse, double imageImportPerSec, long peakHeapBytes,
                         long maxHeapBytes, long indexBytes, double searchP50Ms, double searchP95Ms,
                         double pageP50Ms, double pageP95Ms, double filteredPageP95Ms) {

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("text_examples", textExamples);
            m.put("image_examples", imageExamples);
            m.put("file_mb", fileBytes / 1e6);
            m.put("jackson_bare_parse_records_per_s", round(bareParsePerSec));
            m.put("import_text_examples_per_s", round(importPerSec));
            m.put("import_share_of_bare_parse", round(importShareOfParse * 1000) / 1000.0);
            m.put("import_image_examples_per_s", round(imageImportPerSec));
            m.put("peak_heap_mb", peakHeapBytes / (1 << 20));
            m.put("max_heap_mb", maxHeapBytes / (1 << 20));
            m.put("index_mb", round(indexBytes / 1e6 * 10) / 10.0);
            m.put("search_p50_ms", round(searchP50Ms * 100) / 100.0);
            m.put("search_p95_ms", round(searchP95Ms * 100) / 100.0);
            m.put("page_p50_ms", round(pageP50Ms * 100) / 100.0);
            m.put("page_p95_ms", round(pageP95Ms * 100) / 100.0);
            m.put("filtered_page_p95_ms", round(filteredPageP95Ms * 100) / 100.0);
            return m;
        }

        private static double round(double v) {
            return Math.round(v);
        }
    }

    /**
     * Words follow Zipf's law over a 30,000-word vocabulary, as natural text does: a few words are in most
     * examples and most words are rare. (A small uniform vocabulary would put every query word in half the
     * examples, which no real corpus does.) The most frequent words are real English words.
     */
    private static final String[] COMMON = ("the a of to and in is it that for on with as was this be are image "
            + "model data answer question shape colour red green blue circle square triangle river mountain city "
            + "history science music language code function return value list map graph network layer attention "
            + "vector matrix sum product number small large quick slow bright dark north south east west story poem "
            + "letter recipe garden ocean forest planet star light sound energy market price policy health water "
            + "food travel sport team game").split(" ");
    private static final int VOCABULARY = 30_000;
    private static final String[] SYLLABLES = ("ka ri to mu se la po ne vi da lo ge fa zu ti ba ro me sa ku ni "
            + "pe do ha ju ki ma no re su ta wo ya be ci du fe gi").split(" ");
    static final String[] WORDS = vocabulary();
    private static final double[] ZIPF_CDF = zipf(VOCABULARY, 1.07);

    /** Queries of the kinds people type: common and rare words, conjunctions, phrases, negation, fields. */
    static final String[] QUERIES = {word(20), word(40) + " AND " + word(300), "\"" + word(2) + " " + word(30) + "\"",
            word(500) + " OR " + word(900), word(60) + " -" + word(70), "category:code", word(1200) + " " + word(25),
            "status:pending AND " + word(150), word(3000), word(80) + " " + word(90), "has_image:true",
            "length:[100 TO 300] AND " + word(400), word(700) + " " + word(45), word(5000), "tag:bench AND " + word(2000),
            word(10_000), word(35) + " AND " + word(55), "\"" + word(0) + " " + word(18) + "\"", word(250) + "*",
            word(100) + " " + word(1500)};

    private static String word(int rank) {
        return WORDS[rank];
    }

    private static String[] vocabulary() {
        String[] w = new String[VOCABULARY];
        System.arraycopy(COMMON, 0, w, 0, COMMON.length);
        SplittableRandom rnd = new SplittableRandom(7);
        java.util.Set<String> seen = new java.util.HashSet<>(java.util.Arrays.asList(COMMON));
        for (int i = COMMON.length; i < VOCABULARY; ) {
            StringBuilder sb = new StringBuilder();
            int syllables = 2 + rnd.nextInt(3);
            for (int j = 0; j < syllables; j++) {
                sb.append(SYLLABLES[rnd.nextInt(SYLLABLES.length)]);
            }
            if (seen.add(sb.toString())) {
                w[i++] = sb.toString();
            }
        }
        return w;
    }

    private static double[] zipf(int n, double exponent) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, exponent);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static String randomWord(SplittableRandom rnd) {
        int i = Arrays.binarySearch(ZIPF_CDF, rnd.nextDouble());
        return WORDS[Math.min(VOCABULARY - 1, i < 0 ? -i - 1 : i)];
    }

    private final PrintStream out;

    public CurationBenchmark(PrintStream out) {
        this.out = out;
    }

    /**
     * {@code curation [--text N] [--images N] [--dir DIR] [--seed N] [--json]}: defaults 1,000,000 text and
     * 10,000 image examples in {@code bench-out}; {@code --json} prints the figures as one JSON object on stdout
     * and the progress on stderr.
     */
    public static void main(String[] args) throws IOException {
        int text = 1_000_000;
        int images = 10_000;
        Path dir = Path.of("bench-out");
        long seed = 42;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--text" -> text = Integer.parseInt(value(args, ++i));
                case "--images" -> images = Integer.parseInt(value(args, ++i));
                case "--dir" -> dir = Path.of(value(args, ++i));
                case "--seed" -> seed = Long.parseLong(value(args, ++i));
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; known: --text N --images N --dir DIR --seed N --json");
            }
        }
        Result result = new CurationBenchmark(json ? System.err : System.out)
                .run(dir.toAbsolutePath(), text, images, seed);
        if (json) {
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.asMap()));
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    public Result run(Path dir, int textExamples, int imageExamples, long seed) throws IOException {
        Files.createDirectories(dir);
        Path textFile = dir.resolve("bench-text.jsonl");
        Path imageFile = dir.resolve("bench-images.jsonl");
        out.printf(Locale.ROOT, "generating %,d text examples and %,d image examples in %s%n", textExamples,
                imageExamples, dir);
        generateText(textFile, textExamples, seed);
        generateImages(imageFile, dir.resolve("bench-images"), imageExamples, seed + 1);
        long fileBytes = Files.size(textFile);

        double parseRate = bareParse(textFile);
        out.printf(Locale.ROOT, "jackson bare parse: %,.0f records/s%n", parseRate);

        Path ws = dir.resolve("workspace");
        deleteTree(ws);
        HeapWatcher heap = new HeapWatcher();
        heap.start();
        double importRate;
        double imageRate;
        long indexBytes;
        double[] search;
        double[] page;
        double[] filtered;
        try (Curation c = Curation.open(ws)) {
            ImportReport r = c.importFile("bench", textFile, ImportOptions.defaults(), progress("text"));
            importRate = r.imported() / r.seconds();
            out.printf(Locale.ROOT, "%nimport text: %,d examples in %.1f s = %,.0f examples/s (%d problems)%n",
                    r.imported(), r.seconds(), importRate, r.problemCount());
            ImportReport ri = c.importFile("bench", imageFile, ImportOptions.defaults(), progress("images"));
            imageRate = ri.imported() / ri.seconds();
            out.printf(Locale.ROOT, "%nimport images: %,d examples in %.1f s = %,.0f examples/s (%d problems)%n",
                    ri.imported(), ri.seconds(), imageRate, ri.problemCount());
            c.flushIndex();
            indexBytes = c.indexBytes();
            search = searchLatency(c, seed);
            page = pageLatency(c, seed, null);
            filtered = pageLatency(c, seed, Category.CODE);
        } finally {
            heap.stop();
        }
        Result res = new Result(textExamples, imageExamples, fileBytes, parseRate, importRate, importRate / parseRate,
                imageRate, heap.peak.get(), Runtime.getRuntime().maxMemory(), indexBytes, search[0], search[1],
                page[0], page[1], filtered[1]);
        out.println();
        res.asMap().forEach((k, v) -> out.printf(Locale.ROOT, "%-36s %s%n", k, v));
        return res;
    }

    private ImportProgress progress(String label) {
        long[] last = {0};
        return (done, total, imported, problems) -> {
            long now = System.nanoTime();
            if (now - last[0] > 2_000_000_000L) {
                last[0] = now;
                out.printf(Locale.ROOT, "  %s: %,d imported (%.0f%% of input)%n", label, imported,
                        total > 0 ? 100.0 * done / total : 0.0);
            }
        };
    }

    static void generateText(Path file, int n, long seed) throws IOException {
        ObjectMapper m = new ObjectMapper();
        SplittableRandom rnd = new SplittableRandom(seed);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                ObjectNode o = m.createObjectNode();
                ArrayNode msgs = o.putArray("messages");
                boolean code = i % 10 == 0;
                msgs.addObject().put("role", "user").put("content", sentence(rnd, 6 + rnd.nextInt(20)) + "?");
                String answer = code ? "```python\ndef f" + i + "(x):\n    return x * " + rnd.nextInt(100) + "\n```"
                        : sentence(rnd, 10 + rnd.nextInt(60)) + ".";
                msgs.addObject().put("role", "assistant").put("content", answer);
                o.putArray("tags").add("bench");
                w.write(m.writeValueAsString(o));
                w.write('\n');
            }
        }
    }

    static void generateImages(Path file, Path imageDir, int n, long seed) throws IOException {
        Files.createDirectories(imageDir);
        ObjectMapper m = new ObjectMapper();
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] colours = {"red", "green", "blue", "yellow"};
        Color[] rgb = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                int c = rnd.nextInt(4);
                BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, 32, 32);
                g.setColor(rgb[c]);
                int x = rnd.nextInt(16);
                int y = rnd.nextInt(16);
                g.fillOval(x, y, 8 + rnd.nextInt(8), 8 + rnd.nextInt(8));
                g.setColor(new Color(i & 0xffffff)); // a unique corner pixel: every image distinct
                g.fillRect(0, 0, 2, 2);
                g.dispose();
                String name = "img" + i + ".png";
                ImageIO.write(img, "png", imageDir.resolve(name).toFile());
                ObjectNode o = m.createObjectNode();
                o.put("image", imageDir.getFileName() + "/" + name);
                ArrayNode conv = o.putArray("conversations");
                conv.addObject().put("from", "human").put("value", "<image>\nWhat colour is the circle? #" + i);
                conv.addObject().put("from", "gpt").put("value", "It is " + colours[c] + ".");
                w.write(m.writeValueAsString(o));
                w.write('\n');
            }
        }
    }

    private static String sentence(SplittableRandom rnd, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(randomWord(rnd));
        }
        return sb.toString();
    }

    /** Jackson reading every line into a tree: the ceiling for any importer of this file. */
    static double bareParse(Path file) throws IOException {
        ObjectMapper m = new ObjectMapper();
        long n = 0;
        long t0 = System.nanoTime();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode node = m.readTree(line);
                if (node.size() > 0) {
                    n++;
                }
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private double[] searchLatency(Curation c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 50; i++) { // warm-up
            c.search(SearchRequest.of("bench", QUERIES[i % QUERIES.length]), 0, 50);
        }
        double[] ms = new double[400];
        for (int i = 0; i < ms.length; i++) {
            String q = QUERIES[rnd.nextInt(QUERIES.length)];
            long t0 = System.nanoTime();
            c.rows(SearchRequest.of("bench", q), 0, 50);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return percentiles(ms);
    }

    private double[] pageLatency(Curation c, long seed, Category filter) {
        SearchRequest req = new SearchRequest("bench", null, filter, filter == null ? null : ReviewStatus.PENDING, null);
        long total = c.count(req);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 50; i++) {
            c.rows(req, rnd.nextLong(Math.max(1, total - 50)), 50);
        }
        double[] ms = new double[400];
        for (int i = 0; i < ms.length; i++) {
            long offset = rnd.nextLong(Math.max(1, total - 50));
            long t0 = System.nanoTime();
            c.rows(req, offset, 50);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return percentiles(ms);
    }

    private static double[] percentiles(double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return new double[]{s[(int) (s.length * 0.50)], s[(int) (s.length * 0.95)]};
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var files = Files.walk(p)) {
                List<Path> all = new ArrayList<>(files.toList());
                all.sort(java.util.Comparator.reverseOrder());
                for (Path f : all) {
                    Files.delete(f);
                }
            }
        }
    }

    /** Samples used heap every 20 ms; the peak is what the import needed including uncollected garbage. */
    private static final class HeapWatcher {
        final AtomicLong peak = new AtomicLong();
        private volatile boolean running = true;
        private Thread thread;

        void start() {
            MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(bean.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
            thread.interrupt();
        }
    }
}
