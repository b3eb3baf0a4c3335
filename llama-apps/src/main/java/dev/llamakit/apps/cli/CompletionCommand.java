package dev.llamakit.apps.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llama completion bash|zsh}: prints the Tab completion script for the whole command line (picocli's
 * {@link AutoComplete}; zsh runs the same script through {@code bashcompinit}).
 */
@Command(name = "completion", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = {"Print the shell completion script: commands, options and their values complete with Tab.",
                "Load it with 'source <(llama completion bash)' (or zsh) in the shell's startup file."})
final class CompletionCommand implements Callable<Integer> {
    /** The shells a script is printed for. */
    static final List<String> SHELLS = List.of("bash", "zsh");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", completionCandidates = Shells.class, description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        if (!SHELLS.contains(shell)) {
            spec.commandLine().getErr().println("llama completion: unknown shell '" + shell + "': use bash or zsh"
                    + " (see 'llama completion --help')");
            spec.commandLine().getErr().flush();
            return ExitCodes.USAGE;
        }
        String script = AutoComplete.bash("llama", spec.root().commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** Completes the shell names. */
    static final class Shells implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return SHELLS.iterator();
        }
    }
}
