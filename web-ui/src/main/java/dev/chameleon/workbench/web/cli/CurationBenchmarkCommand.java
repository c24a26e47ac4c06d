package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.curation.bench.CurationBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code workbench bench-curation}: the import/search/page benchmark at a million examples. */
@Command(name = "bench-curation", description = "Benchmark import, search and grid paging on generated data "
        + "(run with java -Xmx512m to check the heap goal).")
final class CurationBenchmarkCommand implements Callable<Integer> {

    @ParentCommand
    WorkbenchCommand root;

    @Option(names = "--text", defaultValue = "1000000", description = "Text examples to generate (default ${DEFAULT-VALUE}).")
    int text;

    @Option(names = "--images", defaultValue = "10000", description = "Image examples to generate (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--dir", defaultValue = "bench-out", description = "Scratch folder (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Override
    public Integer call() throws Exception {
        var result = new CurationBenchmark(root.json ? System.err : root.stdout).run(dir.toAbsolutePath(), text, images, seed);
        if (root.json) {
            root.printJson(result.asMap());
        }
        return 0;
    }
}
