package dev.llamakit.apps.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llamakit.apps.cli.config.ConfigException;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.client.Model;
import dev.llamakit.client.error.AuthenticationException;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A leaf command: runs {@link #run()} and turns failures into one line on stderr and an exit code
 * ({@link CliErrors}, {@link ExitCodes}); with {@code -v} the cause chain and the stack trace follow.
 */
abstract class AppCommand implements Callable<Integer> {
    static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** The commands that answer with a model when online: their model is chosen before {@link #run()}. */
    private static final Set<String> MODEL_COMMANDS = Set.of("ask", "chat", "rag ask", "summarize");

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    /** Does the work; returns the exit code. */
    abstract int run() throws Exception;

    CliContext ctx() {
        return ((LlamaCli) spec.root().userObject()).context();
    }

    /** The command's name as typed, e.g. {@code rag ask}. */
    String commandName() {
        return spec.qualifiedName().replaceFirst("^llama ", "");
    }

    @Override
    public final Integer call() {
        CliContext ctx = ctx();
        Logging.configure(common.verbose);
        try {
            if (MODEL_COMMANDS.contains(commandName()) && !common.offline(ctx)) {
                common.explain(ctx);
                common.chooseModel(ctx);
            }
            int code = run();
            ctx.out().flush();
            return code;
        } catch (Exception e) {
            CliErrors.Failure failure = failure(ctx, e);
            return fail(ctx, failure.exitCode(), failure.message(), e);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }

    /**
     * What the user reads about {@code e} and the exit code: {@link CliErrors}, with the options' advice for a 401
     * (the profile, the key's source and how to store one).
     */
    CliErrors.Failure failure(CliContext ctx, Exception e) {
        if (e instanceof ConfigException) {
            return new CliErrors.Failure(ExitCodes.INPUT, e.getMessage());
        }
        if (e instanceof AuthenticationException) {
            return new CliErrors.Failure(ExitCodes.SERVICE, common.unauthorized(ctx));
        }
        return CliErrors.describe(e, server(ctx));
    }

    /** The server this command talks to, for error messages; null when offline or not configured. */
    private CliErrors.Server server(CliContext ctx) {
        try {
            if (common.offline(ctx)) {
                return null;
            }
            ServerChoice chosen = common.server(ctx);
            LlamaClient client = common.client(ctx);
            String model = common.model != null ? common.model : chosen.model() != null ? chosen.model() : "";
            return new CliErrors.Server(client.baseUrl().toString(), chosen.keyVariable(), chosen.key() != null, model,
                    () -> client.models().stream().map(Model::id).toList());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private int fail(CliContext ctx, int code, String message, Throwable e) {
        report(ctx, message, e);
        Logger log = LoggerFactory.getLogger(AppCommand.class);
        log.debug("{} failed", commandName(), e);
        ctx.err().flush();
        return code;
    }

    /** {@code llama COMMAND: message} on stderr; with {@code -v} the cause chain and the stack trace follow. */
    void report(CliContext ctx, String message, Throwable e) {
        ctx.err().println("llama " + commandName() + ": " + message);
        if (common.verbose) {
            CliErrors.printCauses(e, ctx.err());
        }
    }

    /** Prints {@code value} as JSON on stdout. */
    void printJson(Object value) {
        try {
            ctx().out().println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** The note every offline result carries. */
    static final String OFFLINE_NOTE = "(offline: extractive, no model used)";
}
