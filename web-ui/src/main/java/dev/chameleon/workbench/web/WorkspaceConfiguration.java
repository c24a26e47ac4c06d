package dev.chameleon.workbench.web;

import dev.chameleon.workbench.curation.Curation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/**
 * Opens the workspace the UI curates, once per application, and closes it (flushing the search index and
 * releasing the database lock) when the application stops.
 */
@Configuration(proxyBeanMethods = false)
class WorkspaceConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceConfiguration.class);

    /**
     * The workspace named by {@code workbench.workspace}; without it {@code $CHAMELEON_WORKSPACE}, else
     * {@code ./workspace}. A workspace with no datasets gets the demo dataset, so a first start has something to
     * browse, unless {@code workbench.demo=false}.
     */
    @Bean(destroyMethod = "close")
    Curation curation(@Value("${workbench.workspace:}") String workspace, @Value("${workbench.demo:true}") boolean demo) {
        Path root = workspace.isBlank() ? Curation.defaultWorkspace() : Path.of(workspace).toAbsolutePath();
        LOG.info("Opening workspace {}", root);
        Curation curation = Curation.open(root);
        try {
            if (demo && curation.ensureDemo()) {
                LOG.info("Created the 'demo' dataset in the empty workspace (turn this off with workbench.demo=false)");
            }
        } catch (RuntimeException e) {
            curation.close();
            throw e;
        }
        return curation;
    }
}
