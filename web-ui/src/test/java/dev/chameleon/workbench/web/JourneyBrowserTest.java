package dev.chameleon.workbench.web;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.demo.DemoDataset;
import dev.chameleon.workbench.curation.io.Format;
import dev.chameleon.workbench.curation.io.ImportOptions;
import dev.chameleon.workbench.curation.io.ImportProgress;
import dev.chameleon.workbench.curation.io.ImportReport;
import dev.chameleon.workbench.curation.model.Example;
import dev.chameleon.workbench.curation.model.ExampleJson;
import dev.chameleon.workbench.web.runs.RunInfo;
import dev.chameleon.workbench.web.runs.RunService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The whole journey in a real browser, nothing faked: headless Chromium against the app (Vaadin dev mode, a random
 * port) on a fresh workspace holding a small demo dataset. On Runs: pick the dataset and the tiny test preset
 * ({@code runs-test}: the tiny model, 128-token windows that hold an image of the tiny VQ), 20 steps, launch
 * (which freezes a snapshot); the workspace's tokenizers are trained first ({@code runs-test} tokenizer preset),
 * then the real trainer runs as a child process; watch the pushed progress (running, the loss chart's line, step
 * 20/20, succeeded). On the Playground: pick the new checkpoint, ask in text mode and watch the answer's text
 * stream in, then ask for an image and watch it fill in (a partial picture, then the finished one, decoded by the
 * browser). The model is barely trained, so the checks are about structure (text came, an image came), not content.
 * Screenshots go to the build folder's screenshots/ ({@code journey-1-configure.png} to {@code journey-5-image.png}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vaadin.devmode.devTools.enabled=false", "workbench.demo=false",
                "workbench.runs.tokenizers=runs-test", "workbench.runs.jvm-options=-Xmx512m"})
@Tag("browser")
class JourneyBrowserTest {


    /** The dataset the journey trains on: a few dozen of the demo generator's examples, all accepted. */
    static final String DATASET = "journey";
    static final int EXAMPLES = 48;
    static final int STEPS = 20;

    @LocalServerPort
    int port;

    @Autowired
    Curation curation;

    @Autowired
    RunService runs;

    private ChromeDriver driver;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory(TestData.buildDir("test-workspaces"), "journey-");
        registry.add("workbench.workspace", dir::toString);
    }

    @BeforeEach
    void start() throws Exception {
        Chromium.requireInstalled();
        if (curation.dataset(DATASET).isEmpty()) {
            smallDemo();
        }
        driver = Chromium.start(1400, 1400);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    /** Imports {@link #EXAMPLES} demo examples as the dataset {@link #DATASET}, in the canonical format. */
    private void smallDemo() throws Exception {
        DemoDataset demo = DemoDataset.generate(curation.images(), 42L, EXAMPLES);
        Path file = curation.root().resolve("journey-demo.jsonl");
        StringBuilder lines = new StringBuilder();
        for (Example e : demo.train()) {
            lines.append(ExampleJson.toJson(e, sha -> sha.substring(0, 2) + "/" + sha)).append('\n');
        }
        Files.writeString(file, lines);
        ImportReport r = curation.importFile(DATASET, file, ImportOptions.defaults().withFormat(Format.WORKBENCH)
                .withImageDirs(List.of(curation.images().dir())), ImportProgress.NONE);
        assertThat(r.imported()).as(r.problems().toString()).isEqualTo(EXAMPLES);
        Files.delete(file);
    }

    @Test
    void fromADatasetToATrainedModelThatTalksAndDraws() throws Exception {
        long began = System.nanoTime();

        // ---- 1. Configure a run on Runs: the dataset, the tiny test preset, 20 steps -----------------------------
        driver.get("http://localhost:" + port + "/runs");
        await("the Runs view to show its form", Duration.ofSeconds(90),
                d -> d.findElements(By.id("launch-run")).isEmpty() ? null : true);
        pick("run-dataset", DATASET);
        pick("run-preset", "runs-test");
        // Picking the preset fills the form from it: the tiny model and a window that holds a tiny-VQ image.
        await("the form to take the runs-test preset's values (model tiny, seq_len 128)", Duration.ofSeconds(30),
                d -> "tiny".equals(inputValue("vaadin-combo-box#run-model"))
                        && "128".equals(inputValue("vaadin-integer-field#run-seq-len")) ? true : null);
        WebElement steps = driver.findElement(By.cssSelector("vaadin-integer-field#run-steps input"));
        steps.sendKeys(Keys.chord(Keys.CONTROL, "a"), Integer.toString(STEPS), Keys.TAB);
        await("the steps field to say " + STEPS, Duration.ofSeconds(30),
                d -> Integer.toString(STEPS).equals(inputValue("vaadin-integer-field#run-steps")) ? true : null);
        assertThat(driver.findElement(By.id("run-tokenizer-note")).getText())
                .as("a fresh workspace says its first run trains the tokenizers").contains("no tokenizers yet");
        assertThat(runs.runs()).isEmpty();
        screenshot("1-configure");

        // Record every state and stats line the server pushes, so no short-lived state is missed between polls.
        js("""
                window.__journey = {states: [], stats: []};
                new MutationObserver(() => {
                  const j = window.__journey;
                  const s = document.getElementById('run-state');
                  const t = document.getElementById('run-stats');
                  if (s && s.textContent && j.states[j.states.length - 1] !== s.textContent)
                    j.states.push(s.textContent);
                  if (t && t.textContent && j.stats[j.stats.length - 1] !== t.textContent) j.stats.push(t.textContent);
                }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});""");

        // ---- 2. Launch: a snapshot is frozen, tokenizers trained, the trainer runs; watch it live ---------------
        driver.findElement(By.id("launch-run")).click();
        String runId = await("the launched run to appear with its title", Duration.ofSeconds(60), d -> {
            List<WebElement> t = d.findElements(By.id("run-title"));
            return t.isEmpty() || t.get(0).getText().isBlank() ? null : t.get(0).getText();
        });
        RunInfo launched = runs.run(runId).orElseThrow();
        Path snapshot = Path.of(launched.status().snapshot());
        assertThat(snapshot).as("the launch froze a snapshot of the dataset")
                .isEqualTo(curation.root().resolve("snapshots").resolve(DATASET).resolve("v0001").toAbsolutePath());
        assertThat(snapshot.resolve("manifest.json")).isRegularFile();
        assertThat(Files.readString(launched.dir().resolve("run.yaml"))).contains("steps: " + STEPS)
                .contains(snapshot.toString());

        // Running, with the loss chart drawn from at least two steps' points.
        await("run " + runId + " to be running with a loss line of at least 2 points", Duration.ofSeconds(150), d -> {
            String s = text("run-state");
            if (List.of("succeeded", "failed", "cancelled", "interrupted").contains(s)) {
                fail("Run " + runId + " ended (" + s + ") before the browser saw it running with 2 steps: "
                        + text("run-error") + "\nlog:\n" + log(runId));
            }
            return "running".equals(s) && lossPoints() >= 2 ? true : null;
        });
        assertThat(text("run-stats")).matches("step \\d+/" + STEPS + " · loss .*");
        js("document.getElementById('loss-chart').scrollIntoView({block: 'center'})");
        screenshot("2-running");

        await("run " + runId + " to succeed", Duration.ofSeconds(150), d -> {
            String s = text("run-state");
            if (List.of("failed", "cancelled", "interrupted").contains(s)) {
                fail("Run " + runId + " ended " + s + ": " + text("run-error") + "\nlog:\n" + log(runId));
            }
            return "succeeded".equals(s) && text("run-checkpoints").contains("step " + STEPS) ? true : null;
        });
        @SuppressWarnings("unchecked")
        Map<String, List<String>> seen = (Map<String, List<String>>) js("return window.__journey");
        assertThat(seen.get("states")).as("the states pushed to the browser, in order")
                .containsSubsequence("preparing", "running", "succeeded");
        assertThat(seen.get("stats")).as("the tokenizers' phase is shown")
                .anyMatch(s -> s.contains("training the workspace's tokenizers"));
        assertThat(seen.get("stats").stream().map(s -> s.split(" · ")[0]).distinct().count())
                .as("progress pushed step by step: " + seen.get("stats")).isGreaterThanOrEqualTo(3);
        assertThat(text("run-stats")).startsWith("step " + STEPS + "/" + STEPS);
        assertThat(lossPoints()).isEqualTo(STEPS);
        assertThat((Long) js("return document.querySelectorAll('#category-chart svg polyline').length"))
                .as("a loss line per sampled category").isGreaterThanOrEqualTo(2);
        assertThat(text("run-log")).contains("succeeded");
        assertThat(runs.hasTokenizers()).as("the first run trained the workspace's tokenizers").isTrue();
        assertThat(String.join("\n", runs.logTail(runId, 400)))
                .contains("training the text tokenizer").contains("training the image tokenizer");
        js("document.getElementById('run-detail').scrollIntoView({block: 'start'})");
        screenshot("3-succeeded");
        long trained = System.nanoTime();

        // ---- 3. The Playground: pick the new checkpoint, ask for text ------------------------------------------
        driver.findElement(By.cssSelector("vaadin-side-nav-item[path$='playground']")).click();
        await("the Playground to open", Duration.ofSeconds(60),
                d -> d.findElements(By.cssSelector("vaadin-text-area#prompt textarea")).isEmpty() ? null : true);
        String label = runId + " @ step " + STEPS;
        pick("checkpoint", label);
        await("checkpoint " + label + " to load", Duration.ofSeconds(90), d -> {
            Object helper = js("return document.querySelector('vaadin-combo-box#checkpoint').helperText;");
            Object error = js("const c = document.querySelector('vaadin-combo-box#checkpoint');"
                    + " return c.invalid ? c.errorMessage : null;");
            if (error != null) {
                fail("Loading " + label + " failed: " + error);
            }
            return helper != null && helper.toString().startsWith("Loaded") ? true : null;
        });
        assertThat(inputValue("vaadin-combo-box#checkpoint")).isEqualTo(label);
        js("""
                window.__answer = {texts: [], images: [], statuses: []};
                new MutationObserver(() => {
                  const j = window.__answer;
                  const t = document.getElementById('answer-text');
                  const i = document.getElementById('answer-image-0');
                  const st = document.getElementById('answer-status');
                  if (st && j.statuses[j.statuses.length - 1] !== st.textContent) j.statuses.push(st.textContent);
                  if (t && j.texts[j.texts.length - 1] !== t.textContent) j.texts.push(t.textContent);
                  const s = i && i.getAttribute('data-state');
                  if (s && j.images[j.images.length - 1] !== s) j.images.push(s);
                }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});""");

        WebElement prompt = driver.findElement(By.cssSelector("vaadin-text-area#prompt textarea"));
        prompt.sendKeys("What is two plus three?");
        setInteger("max-tokens", 48);
        // A barely trained model may end its turn at once: another seed then (the checks are about structure).
        String answer = "";
        for (int seed = 0; seed < 3 && answer.isEmpty(); seed++) {
            setInteger("seed", seed);
            js("window.__answer.texts = [];" + FROM_NOW);
            driver.findElement(By.id("generate")).click();
            String status = awaitAnswer("the text answer (seed " + seed + ")");
            answer = (String) js("const t = document.getElementById('answer-text'); return t ? t.textContent : '';");
            System.out.println("[journey] text answer, seed " + seed + ": " + answer.length() + " chars, "
                    + ((List<?>) js("return window.__answer.texts")).size() + " pushed updates; " + status);
        }
        assertThat(answer).as("text streamed into the answer (three seeds tried)").isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("#answer-body img"))).as("text mode draws no image").isEmpty();
        screenshot("4-text");

        // ---- 4. The same checkpoint draws: a partial picture, then the finished one ----------------------------
        prompt.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Draw a red circle.");
        setInteger("max-tokens", 128);
        clickRadio("mode", "An image");
        js("window.__answer.images = [];" + FROM_NOW);
        driver.findElement(By.id("generate")).click();
        String status = awaitAnswer("the image answer");
        assertThat(status).as("the answer's status line").contains("1 image");
        Object width = await("the finished image to be decoded by the browser", Duration.ofSeconds(30), d -> js("""
                const img = document.getElementById('answer-image-0');
                return img && img.getAttribute('data-state') === 'done' && img.complete && img.naturalWidth > 0
                    ? img.naturalWidth : null;"""));
        assertThat(((Number) width).longValue()).isPositive();
        assertThat((String) js("return document.getElementById('answer-image-0').src")).startsWith("data:image/png");
        @SuppressWarnings("unchecked")
        List<String> imageStates = (List<String>) js("return window.__answer.images");
        assertThat(imageStates).as("the picture filled in: partial first, then done")
                .containsSubsequence("partial", "done").endsWith("done");
        js("document.getElementById('answer-status').scrollIntoView({block: 'end'})");
        screenshot("5-image");

        System.out.println("[journey] run states pushed: " + seen.get("states") + "; image states: " + imageStates);
        long ended = System.nanoTime();
        System.out.printf("[journey] run %s: configure+train %.1f s, playground %.1f s, total %.1f s%n", runId,
                (trained - began) / 1e9, (ended - trained) / 1e9, (ended - began) / 1e9);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /** Waits until the condition gives a non-null value; fails naming what was awaited and the page's run state. */
    private <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        wait.withMessage((Supplier<String>) () -> "Waited " + timeout.toSeconds() + " s for " + what + diagnostics());
        return wait.until(condition::apply);
    }

    /** Restarts the status record from the status line shown now (entry 0: the previous answer's). */
    private static final String FROM_NOW = " const st = document.getElementById('answer-status');"
            + " window.__answer.statuses = [st ? st.textContent : ''];";

    /**
     * Waits for the generation just started to end (its status line, as recorded since the click, says why it
     * stopped); returns that status line.
     */
    private String awaitAnswer(String what) {
        return await(what + " to finish", Duration.ofSeconds(120), d -> {
            Object last = js("const s = window.__answer.statuses; return s.length > 1 ? s[s.length - 1] : '';");
            String s = last == null ? "" : last.toString();
            if (s.startsWith("Generation failed")) {
                fail(what + ": " + s);
            }
            return s.contains("stopped:") ? s : null;
        });
    }

    private String diagnostics() {
        StringBuilder s = new StringBuilder("\n  page: ").append(driver.getCurrentUrl());
        for (String id : List.of("run-state", "run-stats", "run-error", "answer-status")) {
            String t = text(id);
            if (!t.isEmpty()) {
                s.append("\n  ").append(id).append(": ").append(t);
            }
        }
        for (RunInfo r : runs.runs()) {
            s.append("\n  run ").append(r.id()).append(" is ").append(r.state().wireName()).append(", log tail:\n")
                    .append(log(r.id()));
        }
        return s.toString();
    }

    private String log(String runId) {
        return String.join("\n", runs.logTail(runId, 30));
    }

    /** Types an item's label into a combo box and takes it with Enter, as a user picks from the filtered list. */
    private void pick(String comboId, String label) {
        WebElement input = await("combo box " + comboId, Duration.ofSeconds(30), d -> d.findElements(
                By.cssSelector("vaadin-combo-box#" + comboId + " input")).stream().findFirst().orElse(null));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), label);
        await("combo box " + comboId + " to offer '" + label + "'", Duration.ofSeconds(30), d -> Boolean.TRUE.equals(js(
                "const c = document.querySelector('vaadin-combo-box#" + comboId + "');"
                        + " return c.opened && c.filteredItems && c.filteredItems.length > 0;")) ? true : null);
        input.sendKeys(Keys.ENTER);
        await("combo box " + comboId + " to hold '" + label + "'", Duration.ofSeconds(30),
                d -> label.equals(inputValue("vaadin-combo-box#" + comboId)) && Boolean.FALSE.equals(js(
                        "return document.querySelector('vaadin-combo-box#" + comboId + "').opened;")) ? true : null);
    }

    private void setInteger(String id, int value) {
        WebElement input = driver.findElement(By.cssSelector("vaadin-integer-field#" + id + " input"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Integer.toString(value), Keys.TAB);
        await(id + " to say " + value, Duration.ofSeconds(30),
                d -> Integer.toString(value).equals(inputValue("vaadin-integer-field#" + id)) ? true : null);
    }

    private void clickRadio(String group, String label) {
        WebElement button = driver.findElements(By.cssSelector("vaadin-radio-group#" + group + " vaadin-radio-button"))
                .stream().filter(b -> b.getText().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no radio button '" + label + "' in #" + group));
        js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].querySelector('input').click();", button);
        await("radio button '" + label + "' to be checked", Duration.ofSeconds(30),
                d -> button.getAttribute("checked") != null ? true : null);
    }

    private String inputValue(String css) {
        Object v = js("const f = document.querySelector(\"" + css + "\"); const i = f && f.querySelector('input');"
                + " return i ? i.value : null;");
        return v == null ? null : v.toString();
    }

    private String text(String id) {
        Object t = js("const e = document.getElementById('" + id + "'); return e ? e.textContent : '';");
        return t == null ? "" : t.toString();
    }

    /** Points of the loss chart's line (0 while it says "no data yet"). */
    private long lossPoints() {
        Object n = js("const p = document.querySelector('#loss-chart svg polyline');"
                + " return p ? p.getAttribute('points').trim().split(/\\s+/).length : 0;");
        return ((Number) n).longValue();
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private void screenshot(String name) throws IOException {
        Files.write(TestData.buildDir("screenshots").resolve("journey-" + name + ".png"),
                driver.getScreenshotAs(OutputType.BYTES));
    }
}
