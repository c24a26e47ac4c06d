package dev.chameleon.workbench.web.compare;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@Tag("unit")
class RatingsServiceTest {

    @TempDir
    Path dir;

    private static Rating.Side side(String checkpoint, double temperature, Rating.Fulfilment fulfils) {
        return new Rating.Side(checkpoint, "/ws/runs/" + checkpoint, "temperature " + temperature, temperature, 0.9, 0,
                1.2, 3.0, 1.2, 256, "answer of " + checkpoint, 0, "end_of_turn", fulfils);
    }

    private static Rating rating(Rating.Side left, Rating.Side right, Rating.Preference p) {
        return new Rating("2026-11-27T16:00:00Z", "Draw a red square", null, "IMAGE", 7, left, right, p);
    }

    @Test
    void ratingsAreAppendedAsJsonLinesAndReadBack() throws Exception {
        RatingsService store = new RatingsService(dir.resolve("ratings/ratings.jsonl"));
        assertThat(store.all()).isEmpty();
        Rating first = rating(side("A", 0.7, Rating.Fulfilment.FULFILS), side("B", 0.7, null), Rating.Preference.LEFT);
        Rating second = rating(side("B", 0.7, Rating.Fulfilment.DOES_NOT), side("A", 0.7, Rating.Fulfilment.PARTIALLY),
                Rating.Preference.TIE);
        store.save(first);
        store.save(second);
        assertThat(Files.readAllLines(store.file())).hasSize(2).allMatch(l -> l.startsWith("{") && l.endsWith("}"));
        assertThat(store.all()).containsExactly(first, second);
    }

    @Test
    void aTornLineIsSkipped() throws Exception {
        RatingsService store = new RatingsService(dir.resolve("ratings.jsonl"));
        Rating r = rating(side("A", 0.7, null), side("B", 0.7, null), Rating.Preference.RIGHT);
        store.save(r);
        Files.writeString(store.file(), "{\"prompt\":\"cut off", StandardOpenOption.APPEND);
        assertThat(store.all()).containsExactly(r);
    }

    @Test
    void winRateIsWinsPlusHalfTheTiesPerPairWhicheverSideEachWasOn() {
        List<Rating> ratings = List.of(
                rating(side("B", 0.7, null), side("A", 0.7, Rating.Fulfilment.FULFILS), Rating.Preference.RIGHT),
                rating(side("A", 0.7, Rating.Fulfilment.FULFILS), side("B", 0.7, null), Rating.Preference.TIE),
                rating(side("A", 0.7, null), side("B", 0.7, Rating.Fulfilment.FULFILS), Rating.Preference.RIGHT),
                rating(side("A", 0.7, null), side("B", 0.7, null), Rating.Preference.LEFT),
                rating(side("C", 0.7, null), side("A", 0.7, null), Rating.Preference.LEFT));
        List<WinRate> rates = RatingsService.winRates(ratings);
        assertThat(rates).containsExactly(
                new WinRate("A", "B", 2, 1, 1, 2, 1),
                new WinRate("A", "C", 0, 0, 1, 0, 0));
        assertThat(rates.get(0).ratings()).isEqualTo(4);
        assertThat(rates.get(0).aWinRate()).isCloseTo(2.5 / 4, within(1e-9));
        assertThat(rates.get(1).aWinRate()).isZero();
    }

    @Test
    void oneCheckpointWithTwoSettingsCompetesBySettings() {
        Rating r = rating(side("A", 1.0, null), side("A", 0.7, null), Rating.Preference.LEFT);
        assertThat(r.contenders()).containsExactly("A [temperature 1.0]", "A [temperature 0.7]");
        assertThat(RatingsService.winRates(List.of(r)))
                .containsExactly(new WinRate("A [temperature 0.7]", "A [temperature 1.0]", 0, 0, 1, 0, 0));
    }
}
