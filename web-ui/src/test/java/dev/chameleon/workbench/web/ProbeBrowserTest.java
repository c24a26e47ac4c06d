package dev.chameleon.workbench.web;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProbeBrowserTest {
    @LocalServerPort int port;

    @Test
    void renders() throws Exception {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,800");
        ChromeDriverService s = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        ChromeDriver d = new ChromeDriver(s, o);
        try {
            d.get("http://localhost:" + port + "/");
            Thread.sleep(10000);
            Path out = Path.of("target-ui/screenshots/probe.png");
            Files.createDirectories(out.getParent());
            Files.write(out, d.getScreenshotAs(OutputType.BYTES));
            System.out.println("SOURCE: " + d.getPageSource().substring(0, Math.min(3000, d.getPageSource().length())));
        } finally {
            d.quit();
        }
    }
}
