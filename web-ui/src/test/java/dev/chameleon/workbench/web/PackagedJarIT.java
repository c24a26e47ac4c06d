package dev.chameleon.workbench.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The jar the build leaves in {@code target/} serves the app: started as users start it ({@code java -jar
 * workbench.jar --workspace DIR serve --port 0}) in a process of its own, every view answers 200 and renders in
 * headless Chromium (the layout's navigation and the view's own controls), with no error page. Runs in the
 * integration-test phase, after the jar is built, so it sees exactly what {@code mvn verify} or {@code mvn package}
 * leaves behind. Screenshots go to the build folder's screenshots/.
 */
@Tag("browser")
class PackagedJarIT {

    private static final Pattern URL = Pattern.compile("Chameleon Workbench at (http://\\S+/)");
    private static final Duration START = Duration.ofSeconds(180);

    private static Process app;
    private static String base;
    private static final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private static ChromeDriver driver;

    @BeforeAll
    static void startTheJar() throws Exception {
        Path jar = Path.of(System.getProperty("wb.jar", "target/workbench.jar"));
        if (!Files.isRegularFile(jar)) {
            fail("no packaged jar at " + jar.toAbsolutePath() + "; this test runs after `mvn package`");
        }
        Path workspace = Files.createTempDirectory(TestData.buildDir("test-workspaces"), "packaged-jar-");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        app = new ProcessBuilder(java, "-Xmx1g", "-jar", jar.toAbsolutePath().toString(),
                "--workspace", workspace.toString(), "serve", "--port", "0")
                .redirectErrorStream(true).start();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(app.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.add(line);
                    Matcher m = URL.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IllegalStateException("the jar exited before it listened"));
        }, "packaged-jar-output");
        reader.setDaemon(true);
        reader.start();
        try {
            base = url.get(START.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            fail("the packaged jar did not start within " + START.toSeconds() + " s (" + e.getMessage()
                    + "); its output:\n" + tail());
        }
        driver = Chromium.start(1400, 1000);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (driver != null) {
            driver.quit();
        }
        if (app != null) {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/, datasets", "/import, upload", "/runs, launch-run", "/playground, generate", "/compare, prompt"})
    void everyViewAnswers200AndRenders(String path, String viewControl) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base + path.substring(1))).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("HTTP status of %s; the jar's output:%n%s", path, tail()).isEqualTo(200);

        driver.get(base + path.substring(1));
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        try {
            wait.until(d -> !d.findElements(By.id("main-nav")).isEmpty()
                    && !d.findElements(By.id(viewControl)).isEmpty());
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot(path);
            fail(path + " did not render its navigation and #" + viewControl + " within 60 s; the page says:\n"
                    + driver.findElement(By.tagName("body")).getText() + "\nthe jar's output:\n" + tail());
        }
        String text = driver.findElement(By.tagName("body")).getText();
        assertThat(text).as("the page at %s", path)
                .doesNotContain("Whitelabel Error Page", "Internal Server Error", "Could not navigate",
                        "Failed to find the following files", "Exception");
        screenshot(path);
    }

    private static void screenshot(String path) throws IOException {
        Path dir = TestData.buildDir("screenshots");
        Files.createDirectories(dir);
        String name = "packaged-jar" + (path.equals("/") ? "-datasets" : path.replace('/', '-')) + ".png";
        Files.write(dir.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }

    private static String tail() {
        synchronized (log) {
            return String.join("\n", log.subList(Math.max(0, log.size() - 60), log.size()));
        }
    }
}
