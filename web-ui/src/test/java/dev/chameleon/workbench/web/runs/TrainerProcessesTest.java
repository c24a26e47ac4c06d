package dev.chameleon.workbench.web.runs;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/** How the trainer's command line is built: from the class path in a build, through the jar when packaged. */
@Tag("unit")
class TrainerProcessesTest {

    @TempDir
    Path tmp;

    @Test
    void fromTheBuildTheChildGetsThisClassPathAndTheTrainersMain() {
        List<String> cmd = TrainerProcesses.command(List.of("-Xmx256m"), List.of("train", "--config", "r.yaml"));
        assertThat(cmd.get(0)).endsWith(File.separator + "java");
        assertThat(cmd).containsSubsequence("-Xmx256m", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), TrainerProcesses.TRAINER_MAIN, "train", "--config", "r.yaml");
    }

    @Test
    void onlyASpringBootJarIsLaunchedThroughItsOwnMain() throws Exception {
        Path boot = jar("workbench.jar", "dev.chameleon.workbench.web.cli.Workbench");
        Path plain = jar("plain.jar", null);
        assertThat(TrainerProcesses.springBootJar(boot.toString())).isEqualTo(boot.toAbsolutePath());
        assertThat(TrainerProcesses.springBootJar(plain.toString())).isNull();
        assertThat(TrainerProcesses.springBootJar(boot + File.pathSeparator + plain)).isNull();
        assertThat(TrainerProcesses.springBootJar(tmp.toString())).isNull();
    }

    private Path jar(String name, String startClass) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (startClass != null) {
            m.getMainAttributes().putValue("Start-Class", startClass);
        }
        Path f = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(f); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return f;
    }

    @Test
    void chartsAreSvgWithALineAPointPerStepAndAnEmptyState() {
        String svg = LineChart.svg("Loss", "step", List.of(new LineChart.Series("loss", "#000",
                new double[]{1, 2, 3}, new double[]{3.0, 2.0, Double.NaN})), 300, 200);
        assertThat(svg).startsWith("<svg").endsWith("</svg>").contains("<polyline");
        assertThat(svg.substring(svg.indexOf("points=\"")).split("\"")[1].split(" ")).hasSize(2);
        assertThat(LineChart.svg("Loss", "step", List.of(), 300, 200)).contains("no data yet");
        assertThat(LineChart.svg("<b>", "x", List.of(), 300, 200)).contains("&lt;b&gt;").doesNotContain("<b>");
        assertThat(LineChart.number(0.00012)).isEqualTo("1.2e-04");
        assertThat(LineChart.number(2.50)).isEqualTo("2.5");
    }
}
