package dev.llamakit.apps.cli;

import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code llama} command line: {@code chat}, {@code summarize}, {@code ask}, {@code rag index|ask},
 * {@code models}, {@code eval beir}. Exit codes: {@link ExitCodes}. See docs/apps.md.
 *
 * <p>Tests run it with their own streams and environment:
 * {@code LlamaCli.commandLine(CliContext.of(in, out, err, Map.of(), home)).execute(args)}.
 */
@Command(name = "llama", mixinStandardHelpOptions = true, versionProvider = LlamaCli.Version.class,
        exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.SERVICE,
        description = {"Chat, summarize, answer questions and search your documents with Llama models.",
                "Without LLAMA_API_KEY or --base-url everything but chat and models runs offline (extractive methods)."},
        subcommands = {ChatCommand.class, SummarizeCommand.class, AskCommand.class, RagCommand.class,
                ModelsCommand.class, EvalCommand.class, ConfigCommand.class, KeysCommand.class, CommandLine.HelpCommand.class})
public final class LlamaCli implements Callable<Integer> {
    private final CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public LlamaCli() {
        this(CliContext.system());
    }

    public LlamaCli(CliContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    public CliContext context() {
        return context;
    }

    /** A configured command line: the context's streams for help and usage errors, one-line usage errors. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cmd = new CommandLine(new LlamaCli(context));
        cmd.setOut(context.out());
        cmd.setErr(context.err());
        cmd.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + e.getMessage()
                    .replaceAll("\\s*\\R\\s*", " ").strip() + " (see '" + failed.getCommandSpec().qualifiedName()
                    + " --help')");
            failed.getErr().flush();
            return ExitCodes.USAGE;
        });
        return cmd;
    }

    /** Runs the command line on the given context; returns the exit code. */
    public static int run(CliContext context, String... args) {
        int code = commandLine(context).execute(args);
        context.out().flush();
        context.err().flush();
        return code;
    }

    public static void main(String[] args) {
        System.exit(run(CliContext.system(), args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(context.err());
        context.err().flush();
        return ExitCodes.USAGE;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LlamaCli.class.getPackage().getImplementationVersion();
            return new String[] {"llama (llamakit) " + (v == null ? "development build" : v)};
        }
    }
}
