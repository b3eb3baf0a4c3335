package dev.llamakit.apps.cli;

import dev.llamakit.client.error.AuthenticationException;
import dev.llamakit.client.error.LlamaApiException;
import dev.llamakit.client.error.LlamaConfigurationException;
import dev.llamakit.client.error.LlamaConnectionException;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.client.error.LlamaTimeoutException;
import dev.llamakit.client.error.NotFoundException;
import dev.llamakit.client.error.PermissionDeniedException;
import dev.llamakit.retrieval.lucene.IndexNotWritableException;
import dev.llamakit.retrieval.lucene.IndexUnreadableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The one place where a failure becomes what the user reads: a message in the user's words (never a Java class
 * name) and an {@linkplain ExitCodes exit code}. Every command goes through it ({@link AppCommand}); {@code -v} adds
 * the cause chain ({@link #printCauses}).
 */
final class CliErrors {
    /** {@code java.net.ConnectException: }, {@code CorruptIndexException: } and the like, with their package. */
    private static final Pattern CLASS_NAME =
            Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*");

    private CliErrors() {
    }

    /** What the user reads and the exit code. */
    record Failure(int exitCode, String message) {
        Failure {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The server a command talked to, for messages about it.
     *
     * @param url          the base URL without credentials
     * @param keyVariable  the environment variable the key is read from ({@code LLAMA_API_KEY}, ...)
     * @param keySent      whether a key was sent
     * @param model        the model asked for
     * @param serverModels the ids of the server's models (called only after a 404; null or an exception when unknown)
     */
    record Server(String url, String keyVariable, boolean keySent, String model, Supplier<List<String>> serverModels) {
        Server {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(keyVariable, "keyVariable");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(serverModels, "serverModels");
        }
    }

    /** The message and exit code for {@code e}; {@code server} is null for a command that used none. */
    static Failure describe(Throwable e, Server server) {
        Objects.requireNonNull(e, "e");
        String url = server == null ? "the server" : server.url();
        if (e instanceof CliException c) {
            return new Failure(c.exitCode(), oneLine(c.getMessage()));
        }
        if (e instanceof AuthenticationException) {
            if (server != null && !server.keySent()) {
                return service("the server at " + url + " needs an API key (401) and none was sent: set "
                        + server.keyVariable() + " or pass --api-key");
            }
            return service("the server at " + url + " refused the API key (401): check --api-key or "
                    + (server == null ? "LLAMA_API_KEY" : server.keyVariable()));
        }
        if (e instanceof LlamaConfigurationException && server != null && !server.keySent()) {
            return new Failure(ExitCodes.INPUT, "no API key for the server at " + url + ": set " + server.keyVariable()
                    + " or pass --api-key (for a server that needs no key: --dialect openai)");
        }
        if (e instanceof PermissionDeniedException p) {
            return service("the server at " + url + " refused access (403): the key is valid but may not do this"
                    + detail(p.serverMessage()));
        }
        if (e instanceof NotFoundException n) {
            return notFound(n, server, url);
        }
        if (e instanceof LlamaApiException a) {
            return service("the server at " + url + " answered " + oneLine(a.getMessage()));
        }
        if (e instanceof LlamaConnectionException c && find(c, SSLException.class) != null) {
            return connection(c, url); // the JDK may report a failed handshake as a connect timeout
        }
        if (e instanceof LlamaTimeoutException t) {
            return service("the server at " + url + " did not answer in time (" + words(t.getMessage())
                    + "); is it overloaded, or is the model still loading?");
        }
        if (e instanceof LlamaConnectionException c) {
            return connection(c, url);
        }
        if (e instanceof IndexUnreadableException i) {
            return new Failure(ExitCodes.INPUT, index(i));
        }
        if (e instanceof IndexNotWritableException) {
            return new Failure(ExitCodes.INPUT, words(e.getMessage()));
        }
        if (e instanceof LlamaException) {
            return service(words(e.getMessage()));
        }
        if (e instanceof UncheckedIOException u) {
            return new Failure(ExitCodes.INPUT, file(u.getCause()));
        }
        if (e instanceof IOException io) {
            return new Failure(ExitCodes.INPUT, file(io));
        }
        if (e instanceof IllegalArgumentException) {
            // unknown retriever or memory names and options: the registries say what exists
            return new Failure(ExitCodes.INPUT, words(e.getMessage()));
        }
        String m = words(e.getMessage());
        return service(m.isEmpty() || m.equals("an unexpected error") ? "an unexpected internal error (run with -v "
                + "for the details)" : m);
    }

    /** With {@code -v}: each cause on a line of its own (class names welcome here), then the stack trace. */
    static void printCauses(Throwable e, PrintWriter err) {
        List<Throwable> seen = new ArrayList<>();
        for (Throwable t = e; t != null && !seen.contains(t); t = t.getCause()) {
            seen.add(t);
            err.println((seen.size() == 1 ? "  error: " : "  caused by: ") + t.getClass().getName()
                    + (t.getMessage() == null ? "" : ": " + oneLine(t.getMessage())));
        }
        e.printStackTrace(err);
    }

    private static Failure notFound(NotFoundException n, Server server, String url) {
        if (server != null) {
            List<String> models = null;
            try {
                models = server.serverModels().get();
            } catch (RuntimeException ignored) {
                // the list is a hint only
            }
            if (models != null && !models.isEmpty() && !models.contains(server.model())) {
                return service("the server at " + url + " has no model '" + server.model() + "' (404); it has: "
                        + String.join(", ", models.subList(0, Math.min(models.size(), 20)))
                        + (models.size() > 20 ? ", ... (" + models.size() + " in all; see 'llama models')" : "")
                        + "; choose one with --model NAME");
            }
        }
        return service("not found at " + url + " (404)" + detail(n.serverMessage())
                + "; is the base URL right? OpenAI-compatible servers usually end in /v1");
    }

    private static Failure connection(LlamaConnectionException c, String url) {
        Throwable cause = find(c, UnknownHostException.class);
        if (cause != null) {
            String host = cause.getMessage() == null ? url : cause.getMessage().replaceFirst(":.*", "");
            return service("unknown host '" + host + "': check the server URL (" + url + ")");
        }
        cause = find(c, SSLException.class);
        if (cause != null) {
            return service("the secure (TLS) connection to " + url + " failed" + detail(words(cause.getMessage()))
                    + "; check that the URL's scheme (http or https) is the server's, and its certificate");
        }
        if (find(c, HttpTimeoutException.class) != null || find(c, SocketTimeoutException.class) != null) {
            return service("the server at " + url + " did not answer in time; is it overloaded, or is the model "
                    + "still loading?");
        }
        if (find(c, NoRouteToHostException.class) != null) {
            return service("no route to the server at " + url + ": check the address and the network");
        }
        if (find(c, ConnectException.class) != null || find(c, ClosedChannelException.class) != null) {
            return service("cannot reach the server at " + url + ": connection refused, nothing is listening there "
                    + "(is the server running, and is the port right?)");
        }
        return service("the connection to " + url + " failed" + detail(words(root(c).getMessage())));
    }

    private static String index(IndexUnreadableException i) {
        String message = words(i.getMessage());
        if (i.reason() != IndexUnreadableException.Reason.CORRUPT) {
            return message;
        }
        // Lucene's detail (a resource name, "run checkindex") means nothing here: -v shows it in the causes
        String m = i.getMessage();
        int detail = m.indexOf("damaged (");
        if (detail >= 0) {
            m = m.substring(0, detail + "damaged".length());
        } else {
            m = message.replaceFirst(";.*", "");
        }
        String dir = i.directory().toString();
        return words(m) + "; restore it from a backup, or rebuild it: rm -r " + dir + " && llama rag index FOLDER --index "
                + dir;
    }

    /** Why a file could not be read: missing, permission, a folder. */
    static String file(Throwable e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "cannot read " + f.getFile() + ": permission denied";
        }
        if (e instanceof NotDirectoryException f) {
            return f.getFile() + " is not a folder";
        }
        if (e instanceof FileSystemException f) {
            String reason = f.getReason() == null ? "" : f.getReason().toLowerCase(Locale.ROOT);
            if (reason.contains("is a directory")) {
                return f.getFile() + " is a folder, not a file";
            }
            return "cannot read " + f.getFile() + (reason.isEmpty() ? "" : ": " + reason);
        }
        String m = e == null ? "" : words(e.getMessage());
        return m.isEmpty() ? "an input/output error (run with -v for the details)" : m;
    }

    private static Failure service(String message) {
        return new Failure(ExitCodes.SERVICE, message);
    }

    private static String detail(String text) {
        return text == null || text.isBlank() ? "" : ": " + oneLine(text);
    }

    /** The message on one line without Java class names ("" for none). */
    static String words(String message) {
        if (message == null) {
            return "";
        }
        return oneLine(CLASS_NAME.matcher(message).replaceAll("")).replaceAll("\\(\\s*\\)", "").strip();
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        List<Throwable> seen = new ArrayList<>();
        for (Throwable t = e; t != null && !seen.contains(t); t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            seen.add(t);
        }
        return null;
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null || t.getMessage().isBlank() ? e : t;
    }
}
