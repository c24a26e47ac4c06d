package dev.chameleon.workbench.web.runs;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * How the workbench starts the trainer as a child process: the same Java, the same code, a fresh JVM.
 *
 * <p>From the build (tests, {@code mvn spring-boot:run}) the child gets this JVM's class path and runs
 * {@code SftTrainerMain} directly. From the packaged Spring Boot jar the class path is that one jar (its
 * libraries are nested inside), so the child runs {@code java -jar workbench.jar trainer ARGS}, which passes
 * the arguments on to the same {@code SftTrainerMain}.
 */
final class TrainerProcesses {

    static final String TRAINER_MAIN = "dev.chameleon.workbench.trainer.cli.SftTrainerMain";

    private TrainerProcesses() {
    }

    /** The command line that runs the trainer with {@code args} ({@code train --config FILE}, ...). */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Djava.awt.headless=true");
        String classPath = System.getProperty("java.class.path", "");
        Path bootJar = springBootJar(classPath);
        if (bootJar != null) {
            cmd.add("-jar");
            cmd.add(bootJar.toString());
            cmd.add("trainer");
        } else {
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(TRAINER_MAIN);
        }
        cmd.addAll(args);
        return cmd;
    }

    /** The class path's only entry when it is a Spring Boot executable jar (a manifest with Start-Class). */
    static Path springBootJar(String classPath) {
        if (classPath.isBlank() || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return null;
        }
        Path jar = Path.of(classPath).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            return null;
        }
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.getManifest() != null && f.getManifest().getMainAttributes().getValue("Start-Class") != null
                    ? jar : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Kills a process and everything it started, children first. */
    static void destroyTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /**
     * Whether a live pid is still one of our trainers for this run folder (a pid can be reused after the process
     * it named ended); when the OS does not say, a live pid is trusted.
     */
    static boolean isTrainerFor(ProcessHandle process, Path runDir) {
        if (!process.isAlive()) {
            return false;
        }
        return process.info().commandLine().map(c -> c.contains(runDir.getFileName().toString())).orElse(true);
    }
}
