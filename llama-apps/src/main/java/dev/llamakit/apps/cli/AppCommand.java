package dev.llamakit.apps.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llamakit.apps.cli.config.ConfigException;
import dev.llamakit.client.error.AuthenticationException;
import dev.llamakit.client.error.LlamaConnectionException;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.client.error.LlamaTimeoutException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A leaf command: runs {@link #run()} and turns failures into one line on stderr and an exit code
 * ({@link ExitCodes}); with {@code -v} the stack trace follows.
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
        if (common.verbose) {
            Logging.debug();
        }
        try {
            if (MODEL_COMMANDS.contains(commandName()) && !common.offline(ctx)) {
                common.explain(ctx);
                common.chooseModel(ctx);
            }
            int code = run();
            ctx.out().flush();
            return code;
        } catch (CliException e) {
            return fail(ctx, e.exitCode(), e.getMessage(), e);
        } catch (ConfigException e) {
            return fail(ctx, ExitCodes.INPUT, e.getMessage(), e);
        } catch (AuthenticationException e) {
            return fail(ctx, ExitCodes.SERVICE, common.unauthorized(ctx), e);
        } catch (LlamaTimeoutException e) {
            return fail(ctx, ExitCodes.SERVICE, "the server at " + describeUrl(ctx) + " timed out: " + e.getMessage(), e);
        } catch (LlamaConnectionException e) {
            return fail(ctx, ExitCodes.SERVICE, "cannot reach the server at " + describeUrl(ctx) + ": " + rootMessage(e), e);
        } catch (LlamaException e) {
            return fail(ctx, ExitCodes.SERVICE, e.getMessage(), e);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            // unknown retriever or memory names and options, unreadable folders: the registries say what exists
            return fail(ctx, ExitCodes.INPUT, e.getMessage(), e);
        } catch (Exception e) {
            return fail(ctx, ExitCodes.SERVICE, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }

    /** The server's URL as the client sees it: never with a {@code user:password@} part. */
    private String describeUrl(CliContext ctx) {
        try {
            return common.client(ctx).baseUrl().toString();
        } catch (RuntimeException e) {
            return "the configured server";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private int fail(CliContext ctx, int code, String message, Throwable e) {
        String line = message == null ? e.getClass().getSimpleName() : message.replaceAll("\\s*\\R\\s*", " ").strip();
        ctx.err().println("llama " + commandName() + ": " + line);
        if (common.verbose) {
            e.printStackTrace(ctx.err());
        }
        Logger log = LoggerFactory.getLogger(AppCommand.class);
        log.debug("{} failed", commandName(), e);
        ctx.err().flush();
        return code;
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
