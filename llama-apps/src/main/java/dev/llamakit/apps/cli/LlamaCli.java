package dev.llamakit.apps.cli;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code llama} command line: {@code chat}, {@code summarize}, {@code ask}, {@code rag index|ask},
 * {@code models}, {@code eval beir}, {@code completion bash|zsh}. Exit codes: {@link ExitCodes}. See docs/apps.md.
 *
 * <p>Tests run it with their own streams and environment:
 * {@code LlamaCli.commandLine(CliContext.of(in, out, err, Map.of(), home)).execute(args)}.
 */
@Command(name = "llama", mixinStandardHelpOptions = true, versionProvider = LlamaCli.Version.class,
        exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.SERVICE,
        description = {"Chat, summarize, answer questions and search your documents with Llama models.",
                "Without LLAMA_API_KEY or --base-url everything but chat and models runs offline (extractive methods)."},
        subcommands = {ChatCommand.class, SummarizeCommand.class, AskCommand.class, RagCommand.class,
                ModelsCommand.class, EvalCommand.class, ConfigCommand.class, KeysCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class})
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

    /**
     * A configured command line: the context's streams for help and usage errors, one-line usage errors with "did
     * you mean", examples in every {@code --help}, colours only on a terminal and without {@code NO_COLOR}.
     */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cmd = new CommandLine(new LlamaCli(context));
        cmd.setOut(context.out());
        cmd.setErr(context.err());
        HelpExamples.install(cmd);
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(ansi(context)));
        cmd.setParameterExceptionHandler(LlamaCli::usageError);
        return cmd;
    }

    /** Colours on a terminal only, and never when {@code NO_COLOR} is set (https://no-color.org). */
    static CommandLine.Help.Ansi ansi(CliContext context) {
        return context.terminal() && context.variable("NO_COLOR") == null ? CommandLine.Help.Ansi.ON
                : CommandLine.Help.Ansi.OFF;
    }

    /** {@code llama summarize: Unknown option: '--instrution' (did you mean '--instruction'?) (see ...)}. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        String name = failed.getCommandSpec().qualifiedName();
        String message = e.getMessage().replaceAll("\\s*\\R\\s*", " ").strip();
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            if (!u.isUnknownOption() && !failed.getSubcommands().isEmpty() && !u.getUnmatched().isEmpty()) {
                message = "unknown command '" + u.getUnmatched().get(0) + "'";
            }
            List<String> suggestions = (u.getSuggestions().isEmpty() ? Suggestions.near(u, failed) : u.getSuggestions())
                    .stream().limit(3).map(s -> "'" + s + "'").toList();
            if (!suggestions.isEmpty()) {
                message += " (did you mean " + String.join(" or ", suggestions) + "?)";
            }
        }
        failed.getErr().println(name + ": " + message + " (see '" + name + " --help')");
        failed.getErr().flush();
        return ExitCodes.USAGE;
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
