package dev.llamakit.apps.cli;

import picocli.CommandLine.Command;

/** {@code llama eval}: retrieval evaluation. */
@Command(name = "eval", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = "Evaluate retrieval.", subcommands = EvalBeirCommand.class)
final class EvalCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
