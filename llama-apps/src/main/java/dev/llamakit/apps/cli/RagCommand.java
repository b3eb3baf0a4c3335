package dev.llamakit.apps.cli;

import picocli.CommandLine.Command;

/** {@code llama rag}: index folders and answer questions from them with citations. */
@Command(name = "rag", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = "Answer questions from your documents, with citations.",
        subcommands = {RagIndexCommand.class, RagAskCommand.class})
final class RagCommand implements java.util.concurrent.Callable<Integer> {
    /** The index folder used when {@code --index} is not given. */
    static final String DEFAULT_INDEX = ".llama-index";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
