package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.trainer.cli.SftTrainerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code workbench train --config FILE}: the same as {@code java -jar sft-trainer.jar train --config FILE},
 * run in this process. Every argument goes to the trainer's own command line unchanged.
 */
@Command(name = "train", description = "Run an SFT training run (same options as 'sft-trainer.jar train').")
final class TrainCommand implements Callable<Integer> {

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        List<String> all = new ArrayList<>();
        all.add("train");
        all.addAll(args);
        return SftTrainerMain.commandLine().execute(all.toArray(String[]::new));
    }
}
