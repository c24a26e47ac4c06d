package dev.chameleon.workbench.web.compare;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chameleon.workbench.curation.Curation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stores side-by-side ratings as JSON lines in {@code WORKSPACE/ratings/ratings.jsonl} (one {@link Rating} a
 * line, appended, never rewritten) and computes the win rate of every pair of contenders from them.
 */
@Service
class RatingsService {

    private static final Logger LOG = LoggerFactory.getLogger(RatingsService.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;

    @Autowired
    public RatingsService(Curation curation) {
        this(curation.root().resolve("ratings").resolve("ratings.jsonl"));
    }

    /** Ratings in {@code file}. */
    public RatingsService(Path file) {
        this.file = file;
    }

    /** The JSON-lines file. */
    public Path file() {
        return file;
    }

    /** Appends one rating as one line (flushed before returning). */
    public synchronized void save(Rating rating) {
        try {
            Files.createDirectories(file.getParent());
            byte[] line = (JSON.writeValueAsString(rating) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rating to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every stored rating, oldest first; a line that cannot be read (a torn write) is skipped with a warning. */
    public synchronized List<Rating> all() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Rating> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ratings in " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readValue(line, Rating.class));
            } catch (IOException e) {
                LOG.warn("{} line {} is not a rating and is skipped: {}", file, i + 1, e.getMessage());
            }
        }
        return out;
    }

    /** Win rates of every pair of contenders rated so far. */
    public List<WinRate> winRates() {
        return winRates(all());
    }

    /**
     * Win rates per unordered pair of contenders ({@link Rating#contenders()}), each pair oriented
     * alphabetically, ties counting half a win to each side.
     */
    static List<WinRate> winRates(List<Rating> ratings) {
        Map<List<String>, int[]> pairs = new TreeMap<>((x, y) -> {
            int c = x.get(0).compareTo(y.get(0));
            return c != 0 ? c : x.get(1).compareTo(y.get(1));
        });
        for (Rating r : ratings) {
            List<String> names = r.contenders();
            boolean swapped = names.get(0).compareTo(names.get(1)) > 0;
            List<String> key = swapped ? List.of(names.get(1), names.get(0)) : names;
            Rating.Side a = swapped ? r.right() : r.left();
            Rating.Side b = swapped ? r.left() : r.right();
            int[] n = pairs.computeIfAbsent(key, k -> new int[5]);
            Rating.Preference p = r.preference();
            if (p == Rating.Preference.TIE) {
                n[1]++;
            } else if ((p == Rating.Preference.LEFT) != swapped) {
                n[0]++;
            } else if (p != null) {
                n[2]++;
            }
            if (a.fulfils() == Rating.Fulfilment.FULFILS) {
                n[3]++;
            }
            if (b.fulfils() == Rating.Fulfilment.FULFILS) {
                n[4]++;
            }
        }
        List<WinRate> out = new ArrayList<>();
        pairs.forEach((k, n) -> out.add(new WinRate(k.get(0), k.get(1), n[0], n[1], n[2], n[3], n[4])));
        return out;
    }
}
