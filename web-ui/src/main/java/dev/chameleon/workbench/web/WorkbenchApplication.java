package dev.chameleon.workbench.web;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.AppShellSettings;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The Spring Boot application behind {@code workbench serve}: the Vaadin UI over one workspace folder.
 *
 * <p>Server push (websocket, with long-polling fallback) is part of Vaadin's pre-built bundle, so it needs
 * no frontend build; background imports report progress through it.
 */
@SpringBootApplication
@Push
public class WorkbenchApplication implements AppShellConfigurator {

    @Override
    public void configurePage(AppShellSettings settings) {
        settings.setPageTitle("Chameleon Workbench");
    }

    /** Blocks until the application context closes (Ctrl-C, SIGTERM); an interrupt closes it. */
    public static void awaitClose(ConfigurableApplicationContext context) {
        CountDownLatch closed = new CountDownLatch(1);
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                closed.countDown();
            }
        });
        try {
            if (context.isActive()) {
                closed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.close();
        }
    }

    /** Starts the web server and returns its context without blocking (for tests and embedding). */
    public static ConfigurableApplicationContext start(Path workspace, int port, String bindAddress) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("workbench.workspace", workspace.toAbsolutePath().toString());
        props.put("server.port", port);
        props.put("server.address", bindAddress == null || bindAddress.isBlank() ? "127.0.0.1" : bindAddress);
        SpringApplication app = new SpringApplication(WorkbenchApplication.class);
        // Command-line style arguments outrank application.properties, so the CLI's choices win.
        return app.run(props.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new));
    }

    /** Runs the UI with Spring's own argument handling ({@code mvn spring-boot:run}, IDEs). */
    public static void main(String[] args) {
        SpringApplication.run(WorkbenchApplication.class, args);
    }
}
