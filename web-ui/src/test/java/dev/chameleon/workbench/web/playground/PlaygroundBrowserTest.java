package dev.chameleon.workbench.web.playground;

import dev.chameleon.workbench.web.generation.Checkpoints;
import dev.chameleon.workbench.web.generation.FakeEngine;
import dev.chameleon.workbench.web.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.chameleon.workbench.web.Chromium;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The playground in a real browser (headless Chromium, the app in dev mode, the fake engine of the view tests in
 * place of the model): paste a checkpoint folder, ask, and watch the pushed answer arrive: the text, the partial
 * picture while the engine holds it, then the finished picture, decoded by the browser and drawn pixelated.
 * Screenshots go to the build folder's screenshots/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
@Import(PlaygroundBrowserTest.Engine.class)
@Tag("browser")
class PlaygroundBrowserTest {


    /** The fake engine stands in for the application's. */
    @TestConfiguration
    static class Engine {
        @Bean
        @Primary
        FakeEngine fakeEngine() {
            return new FakeEngine();
        }
    }

    private static Path checkpoint;

    @LocalServerPort
    int port;

    @Autowired
    FakeEngine engine;

    private ChromeDriver driver;
    private WebDriverWait wait;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory(TestData.buildDir("test-workspaces"), "playground-");
        registry.add("workbench.workspace", dir::toString);
        registry.add("workbench.demo", () -> "false");
        // Outside the workspace's runs/, so it is reached by pasting its path.
        checkpoint = Checkpoints.write(dir.resolve("elsewhere"), "tiny", 3, 0);
    }

    @BeforeEach
    void startBrowser() {
        driver = Chromium.start(1400, 1200);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    @AfterEach
    void stopBrowser() {
        engine.releasePartial();
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void anAnswerStreamsInWithAPictureThatFillsIn() throws Exception {
        driver.get("http://localhost:" + port + "/playground");
        WebElement picker = wait.until(d -> d.findElements(By.cssSelector("vaadin-combo-box#checkpoint input"))
                .stream().findFirst().orElse(null));
        picker.sendKeys(checkpoint.toString(), Keys.ENTER);
        wait.until(d -> {
            Object helper = js("const c = document.querySelector('vaadin-combo-box#checkpoint');"
                    + " return c ? c.helperText : null;");
            return helper != null && helper.toString().startsWith("Loaded");
        });

        driver.findElement(By.cssSelector("vaadin-text-area#prompt textarea")).sendKeys("Draw a red square");
        engine.holdPartial();
        driver.findElement(By.id("generate")).click();

        // Pushed while the engine still holds the picture at 32 codes.
        Object partial = wait.until(d -> js("""
                const img = document.querySelector('img#answer-image-0');
                return img && img.getAttribute('data-state') === 'partial' && img.complete && img.naturalWidth > 0
                    ? img.naturalWidth : null;"""));
        assertThat(partial).isEqualTo(32L);
        assertThat(driver.findElement(By.id("answer-text")).getText()).isEqualTo("Here is a red square step-00000003 seed 0:");
        screenshot("1-partial");

        engine.releasePartial();
        wait.until(d -> "done".equals(js("const img = document.querySelector('img#answer-image-0');"
                + " return img && img.complete ? img.getAttribute('data-state') : null;")));
        assertThat(js("return getComputedStyle(document.querySelector('img#answer-image-0')).imageRendering"))
                .isEqualTo("pixelated");
        // Drawn 256 px wide (plus its border) from 32 pixels.
        assertThat(((Number) js("return document.querySelector('img#answer-image-0').getBoundingClientRect().width"))
                .doubleValue()).isBetween(256.0, 260.0);
        WebElement status = wait.until(d -> d.findElements(By.id("answer-status")).stream()
                .filter(s -> s.getText().contains("stopped:")).findFirst().orElse(null));
        assertThat(status.getText()).contains("tokens/s", "stopped: end of turn");
        assertThat(engine.checkpoints).containsExactly(checkpoint);
        js("document.getElementById('answer-status').scrollIntoView({block: 'end'})");
        screenshot("2-done");
    }

    @Test
    void twoAnswersSideBySideAreRatedAndTheWinRateShown() throws Exception {
        driver.get("http://localhost:" + port + "/compare");
        for (String side : new String[]{"left", "right"}) {
            WebElement picker = wait.until(d -> d.findElements(By.cssSelector("vaadin-combo-box#" + side
                    + "-checkpoint input")).stream().findFirst().orElse(null));
            picker.sendKeys(checkpoint.toString(), Keys.ENTER);
            wait.until(d -> {
                Object helper = js("return document.querySelector('vaadin-combo-box#" + side + "-checkpoint')"
                        + ".helperText;");
                return helper != null && helper.toString().startsWith("Loaded");
            });
        }
        driver.findElement(By.cssSelector("vaadin-text-area#prompt textarea")).sendKeys("Draw a red square");
        driver.findElement(By.id("compare")).click();

        WebElement rating = wait.until(d -> d.findElements(By.id("rating")).stream().filter(WebElement::isDisplayed)
                .findFirst().orElse(null));
        assertThat(driver.findElement(By.id("left-answer-text")).getText()).startsWith("Here is a red square");
        assertThat(driver.findElement(By.id("right-answer-status")).getText()).contains("stopped: end of turn");
        clickRadio("preference", "Left is better");
        clickRadio("left-fulfils", "Fulfils");
        clickRadio("right-fulfils", "Partially");
        js("document.getElementById('rating').scrollIntoView({block: 'end'})");
        screenshot("3-compare-rating");
        driver.findElement(By.id("save-rating")).click();
        wait.until(d -> !rating.isDisplayed());
        wait.until(d -> Long.valueOf(1).equals(js("return document.querySelector('vaadin-grid#win-rates').size")));
        // One checkpoint with the same settings on both sides, the left judged better once: A's rate is 100%.
        wait.until(d -> d.findElements(By.cssSelector("vaadin-grid#win-rates vaadin-grid-cell-content"))
                .stream().anyMatch(c -> c.getText().equals("100%")));
        js("document.getElementById('win-rates').scrollIntoView({block: 'end'})");
        screenshot("4-compare-win-rates");
    }

    private void clickRadio(String group, String label) {
        WebElement button = driver.findElements(By.cssSelector("vaadin-radio-group#" + group + " vaadin-radio-button"))
                .stream().filter(b -> b.getText().equals(label)).findFirst().orElseThrow();
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'});"
                + " arguments[0].querySelector('input').click();", button);
        wait.until(d -> button.getAttribute("checked") != null);
    }

    private Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private void screenshot(String name) throws IOException {
        Path out = TestData.buildDir("screenshots").resolve("playground-" + name + ".png");
        Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
    }
}
