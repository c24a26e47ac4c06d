package dev.chameleon.workbench.web.runs;

import dev.chameleon.workbench.web.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.chameleon.workbench.web.Chromium;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headless Chromium on the Runs view: a launched run's state, stats and log arrive by server push, and the
 * server-drawn SVG charts render in the browser (an inline svg with a line per series). The trainer is the
 * fake of {@link RunsViewTest}; RunServiceTest runs the real one. Screenshots go to the build folder's screenshots/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
@Tag("browser")
class RunsBrowserTest {


    @LocalServerPort
    int port;

    @Autowired
    RunService service;

    private ChromeDriver driver;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory(TestData.buildDir("test-workspaces"), "runs-browser-");
        registry.add("workbench.workspace", dir::toString);
    }

    @BeforeEach
    void start() throws IOException {
        Chromium.requireInstalled();
        Files.createDirectories(service.textTokenizer().getParent());
        Files.writeString(service.textTokenizer(), "{}");
        Files.createDirectories(service.imageTokenizer());
        service.useCommandFactory(args -> List.of("/bin/sh", "-c", "sleep 1; " + RunsViewTest.FAKE_TRAINER));
        driver = Chromium.start(1400, 1400);
    }

    @AfterEach
    void stop() {
        service.useCommandFactory(null);
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void aLaunchedRunIsPushedToTheBrowserWithItsCharts() throws IOException {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        driver.get("http://localhost:" + port + "/runs");
        wait.until(d -> !d.findElements(By.id("launch-run")).isEmpty());
        WebElement steps = driver.findElement(By.cssSelector("vaadin-integer-field#run-steps input"));
        steps.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "3",
                org.openqa.selenium.Keys.TAB);
        driver.findElement(By.id("launch-run")).click();
        wait.until(d -> d.findElement(By.id("run-state")).getText().equals("succeeded"));

        assertThat(driver.findElement(By.id("run-stats")).getText()).startsWith("step 3/3");
        assertThat(driver.findElement(By.id("run-log")).getText()).contains("step 3/3 (fake trainer)");
        Object lines = ((JavascriptExecutor) driver).executeScript(
                "return document.querySelectorAll('#category-chart svg polyline').length");
        assertThat(lines).isEqualTo(2L);
        Object width = ((JavascriptExecutor) driver).executeScript(
                "return document.querySelector('#loss-chart svg').getBoundingClientRect().width");
        assertThat(((Number) width).doubleValue()).isGreaterThan(100);
        Files.write(TestData.buildDir("screenshots").resolve("runs-1-succeeded.png"),
                driver.getScreenshotAs(OutputType.BYTES));
    }
}
