package dev.chameleon.workbench.web;

import dev.chameleon.workbench.curation.Curation;
import dev.chameleon.workbench.curation.model.ReviewStatus;
import dev.chameleon.workbench.curation.search.SearchRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The main journey in a real browser (headless Chromium, the app in Vaadin dev mode on a random port, a
 * throw-away workspace): upload a JSONL file with an image, read the import report, search, open the example
 * with the image and check the browser decoded it. Screenshots go to the build folder's screenshots/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
@Tag("browser")
class ImportSearchBrowserTest {


    @LocalServerPort
    int port;

    @Autowired
    Curation curation;

    private ChromeDriver driver;
    private WebDriverWait wait;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory(TestData.buildDir("test-workspaces"), "browser-");
        registry.add("workbench.workspace", dir::toString);
    }

    @BeforeEach
    void startBrowser() {
        driver = Chromium.start(1400, 1000);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    @AfterEach
    void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void uploadSearchAndOpenAnExampleWithItsImage() throws Exception {
        Path fixture = TestData.writeJsonl(Files.createTempDirectory(TestData.buildDir("fixtures"), "browser-"));

        driver.get("http://localhost:" + port + "/import");
        WebElement fileInput = wait.until(d -> (WebElement) js("""
                const up = document.querySelector('vaadin-upload#upload');
                if (!up) return null;
                return (up.shadowRoot && up.shadowRoot.querySelector('input[type=file]'))
                    || up.querySelector('input[type=file]');"""));
        fileInput.sendKeys(fixture.toAbsolutePath().toString());

        WebElement start = driver.findElement(By.id("start-import"));
        wait.until(d -> start.getAttribute("disabled") == null);
        start.click();
        WebElement summary = wait.until(d -> d.findElements(By.id("report-summary")).stream().findFirst()
                .filter(WebElement::isDisplayed).orElse(null));
        assertThat(summary.getText()).startsWith("Imported 4 of 6 records from fixture.jsonl (openai) into fixture");
        assertThat(js("return document.querySelector('vaadin-grid#problems').size")).isEqualTo(2L);
        screenshot("1-import-report");

        driver.findElement(By.id("open-dataset")).click();
        wait.until(d -> Long.valueOf(TestData.GOOD).equals(js(
                "const g = document.querySelector('vaadin-grid#examples'); return g ? g.size : null;")));

        driver.findElement(By.cssSelector("vaadin-text-field#search input")).sendKeys("circle");
        wait.until(d -> Long.valueOf(1).equals(js("return document.querySelector('vaadin-grid#examples').size")));
        WebElement cell = wait.until(d -> d.findElements(By.cssSelector("vaadin-grid#examples vaadin-grid-cell-content"))
                .stream().filter(c -> c.getText().contains("What shape is this?")).findFirst().orElse(null));
        screenshot("2-search");
        cell.click();

        Object width = wait.until(d -> js("""
                const img = document.querySelector('img.message-image');
                return img && img.complete && img.naturalWidth > 0 ? img.naturalWidth : null;"""));
        assertThat(width).isEqualTo(64L);
        assertThat(driver.findElement(By.id("conversation")).getText()).contains("A red circle");
        screenshot("3-example-detail");

        driver.findElement(By.id("accept")).click();
        wait.until(d -> d.findElement(By.id("detail-status")).getText().startsWith("Accepted"));
        long accepted = curation.rows(SearchRequest.of("fixture", "circle"), 0, 10).stream()
                .filter(r -> r.status() == ReviewStatus.ACCEPTED).count();
        assertThat(accepted).isEqualTo(1);
    }

    private Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private void screenshot(String name) throws IOException {
        Path out = TestData.buildDir("screenshots").resolve("import-search-" + name + ".png");
        Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
    }
}
