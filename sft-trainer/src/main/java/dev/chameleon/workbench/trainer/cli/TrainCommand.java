package dev.chameleon.workbench.trainer.cli;

import dev.chameleon.workbench.trainer.config.ConfigException;
import dev.chameleon.workbench.trainer.tokens.ImageTokenizer;
import dev.chameleon.workbench.trainer.tokens.TextTokenizer;
import dev.chameleon.workbench.trainer.train.RunOutcome;
import dev.chameleon.workbench.trainer.recipe.SftRecipe;
import dev.chameleon.workbench.trainer.train.SftRun;
import dev.chameleon.workbench.trainer.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code train --config FILE [--resume]}: loads the run config and its tokenizers and runs the SFT recipe
 * ({@link SftRecipe}). Progress lines go to standard error; metrics to OUT/metrics.jsonl; how it ended to
 * OUT/outcome.json ({@link RunOutcome}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Supervised fine-tuning of a Chameleon-style model on a snapshot, as a run "
        + "config (configs/recipes/*.yaml) says; metrics to OUT/metrics.jsonl, checkpoints to OUT/checkpoints, "
        + "the outcome to OUT/outcome.json.")
final class TrainCommand implements Callable<Integer> {

    @ParentCommand
    SftTrainerMain root;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "A run config (YAML).")
    Path config;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the run's out_dir.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        Optional<Path> runDir = RunOutcome.outDirOf(config);
        try {
            if (runDir.isPresent()) {
                RunOutcome.clear(runDir.get());
            }
            TrainConfig c = TrainConfig.load(config);
            TextTokenizer text = root.toolkit.loadTextTokenizer(Path.of(c.textTokenizer()));
            try (ImageTokenizer image = root.toolkit.loadImageTokenizer(Path.of(c.imageTokenizer()))) {
                SftRun.Result r = SftRecipe.run(c, text, image, resume, root.err);
                root.out.printf("trained steps %d..%d; checkpoints: %s%n", r.startStep() + 1,
                        r.startStep() + r.stepsRun(), r.checkpoints());
            }
        } catch (Exception | Error e) {
            record(runDir, RunOutcome.failed(ErrorMessages.of(e), e instanceof ConfigException ce ? ce.field() : null));
            throw e;
        }
        record(runDir, RunOutcome.finished());
        return 0;
    }

    private void record(Optional<Path> runDir, RunOutcome outcome) {
        if (runDir.isEmpty()) {
            return;
        }
        try {
            outcome.write(runDir.get());
        } catch (IOException e) {
            root.err.println("warning: the outcome cannot be written to " + runDir.get() + " (" + ErrorMessages.of(e)
                    + ")");
        }
    }
}
