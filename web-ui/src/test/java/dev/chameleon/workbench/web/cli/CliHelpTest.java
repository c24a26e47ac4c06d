package dev.chameleon.workbench.web.cli;

import dev.chameleon.workbench.trainer.cli.SftTrainerMain;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command of the workbench jar, and every sft-trainer command run through its {@code trainer} command, found
 * by walking the command trees, answers --help with its usage.
 */
@Tag("unit")
class CliHelpTest {

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        List<List<String>> commands = new ArrayList<>();
        walk(WorkbenchCommand.commandLine(), new ArrayList<>(), commands);
        assertThat(commands).contains(List.of(), List.of("serve"), List.of("import"), List.of("trainer"));

        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            String name = String.join(" ", command);
            assertThat(r.exit()).as("exit of '%s --help': %s", name, r.err()).isZero();
            assertThat(r.out()).as(name).startsWith(("Usage: workbench " + name).strip());
            assertThat(r.err()).as(name).isEmpty();
        }
    }

    @Test
    void everyTrainerCommandAnswersHelpThroughTheWorkbenchJar() {
        List<List<String>> commands = new ArrayList<>();
        walk(SftTrainerMain.commandLine(), new ArrayList<>(), commands);
        commands.remove(List.of());
        assertThat(commands).contains(List.of("train-text-tokenizer"), List.of("generate"));

        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(List.of("trainer"));
            args.addAll(command);
            args.add("--help");
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            String name = String.join(" ", command);
            assertThat(r.exit()).as("exit of 'trainer %s --help': %s", name, r.err()).isZero();
            assertThat(r.out()).as(name).startsWith("Usage: sft-trainer " + name);
        }
    }

    /** Adds the path of {@code cl} and of every command below it (aliases counted once). */
    private static void walk(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        Set<CommandLine> children = new LinkedHashSet<>(cl.getSubcommands().values());
        for (CommandLine child : children) {
            path.add(child.getCommandName());
            walk(child, path, out);
            path.remove(path.size() - 1);
        }
    }
}
