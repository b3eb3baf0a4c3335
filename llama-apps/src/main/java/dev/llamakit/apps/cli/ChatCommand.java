package dev.llamakit.apps.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.chat.Message;
import dev.llamakit.client.error.AuthenticationException;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.error.LlamaConnectionException;
import dev.llamakit.memory.Conversation;
import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.InMemoryConversationStore;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.spi.ProviderOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import dev.llamakit.apps.cli.repl.HistoryFile;
import dev.llamakit.apps.cli.repl.PlainInput;
import dev.llamakit.apps.cli.repl.ReplInput;
import dev.llamakit.apps.cli.repl.SlashCommand;
import dev.llamakit.apps.cli.repl.TerminalInput;
import org.jline.terminal.Terminal;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code llama chat}: a streaming REPL with memory, sessions and slash commands. */
@Command(name = "chat", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = {"Chat with a model, streaming the answers.",
                "On a terminal: line editing, history across sessions (in $XDG_STATE_HOME/llamakit/history), Ctrl-R "
                        + "searches it, a line ending with \\ continues on the next, Tab completes the / commands.",
                "Otherwise reads lines from standard input. Slash commands: /help /reset /model /system /memory "
                        + "/history /save /exit. Ctrl-C cancels the current answer, Ctrl-D quits."})
final class ChatCommand extends AppCommand {
    @picocli.CommandLine.Mixin
    LocalModelOptions localModel;


    /** The slash commands, for /help and Tab completion. */
    static final List<SlashCommand> COMMANDS = List.of(
            new SlashCommand("/help", "", "this list"),
            new SlashCommand("/reset", "", "start a new, empty conversation (a session's file keeps the old one)"),
            new SlashCommand("/clear", "", "the same as /reset"),
            new SlashCommand("/model", "[NAME]", "the model answering; with NAME, the model of the next turns"),
            new SlashCommand("/system", "", "the system prompt (set it with --system)"),
            new SlashCommand("/memory", "", "the memory strategy and what it sent last turn"),
            new SlashCommand("/history", "", "the whole conversation so far"),
            new SlashCommand("/save", "[FILE]", "write the conversation to FILE as Markdown (sessions are saved after every turn anyway)"),
            new SlashCommand("/exit", "", "quit (also /quit and Ctrl-D)"));

    static final String HELP = SlashCommand.help(COMMANDS);

    @Option(names = "--memory", paramLabel = "STRATEGY", defaultValue = "sliding-window",
            description = "sliding-window, selective-retention, summarization, hierarchical, full-history. Default: ${DEFAULT-VALUE}.")
    String memory;

    @Option(names = "--memory-option", paramLabel = "KEY=VALUE",
            description = "An option of the strategy, e.g. max-messages=10 (repeatable; see docs/memory.md).")
    Map<String, String> memoryOptions = new LinkedHashMap<>();

    @Option(names = "--session", paramLabel = "ID", description = "Resume (or start) the saved conversation ID.")
    String session;

    @Option(names = "--sessions-dir", paramLabel = "DIR",
            description = "Where sessions are saved (default: ~/.llamakit/sessions).")
    Path sessionsDir;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "file",
            description = {"Where --session keeps conversations: file (in --sessions-dir) or a JDBC URL such as "
                    + "jdbc:postgresql://db.example/chat, shared by every machine that uses it. Default: ${DEFAULT-VALUE}.",
                    "The database user and password come from LLAMA_STORE_USER and LLAMA_STORE_PASSWORD or the profile's "
                    + "store-user and store-password, never from the command line."})
    String storeSpec;

    @Option(names = "--system", paramLabel = "TEXT", defaultValue = "You are a helpful assistant.",
            description = "The system prompt. Default: ${DEFAULT-VALUE}")
    String systemPrompt;

    private final AtomicReference<ChatStream> current = new AtomicReference<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final ObjectMapper lines = new ObjectMapper();

    /** The terminal to edit lines on, or null for plain lines; tests give a terminal on their own streams. */
    Function<CliContext, Terminal> terminals = ctx -> ctx.terminal() && !common.json ? TerminalInput.systemTerminal() : null;

    private ChatModel model;
    private volatile String currentModel;
    private ReplInput input;
    private ConversationStore store;
    private Conversation conversation;
    private Path sessionDir;
    /** Whether a turn of this run was answered: the server and the key worked once. */
    private boolean answered;

    @Override
    int run() throws IOException {
        CliContext ctx = ctx();
        if (common.offline(ctx)) {
            throw CliException.input("needs a model: set LLAMA_API_KEY or --api-key, or --base-url for a local "
                    + "server (offline mode only summarizes and answers from documents)");
        }
        Set<String> strategies = MemoryStrategies.available();
        if (!strategies.contains(memory)) {
            throw CliException.input("unknown memory strategy '" + memory + "'; available: "
                    + String.join(", ", new TreeSet<>(strategies)));
        }
        model = new CancellableModel(common.chatModel(ctx), current);
        if (session != null) {
            if (session.isBlank()) {
                throw CliException.input("--session needs a non-empty id");
            }
            sessionDir = sessionsDir != null ? sessionsDir : ctx.home().resolve(".llamakit").resolve("sessions");
            store = SessionStores.open(storeSpec, sessionDir, common, ctx);
        } else {
            if (SessionStores.isJdbc(storeSpec)) {
                throw CliException.input("--store needs --session ID: a conversation without a session is not kept");
            }
            store = new InMemoryConversationStore();
        }
        currentModel = common.model;
        try {
            conversation = newConversation(session != null ? session : "chat-" + UUID.randomUUID());
            Terminal terminal = terminals.apply(ctx);
            input = terminal != null ? TerminalInput.open(terminal, HistoryFile.location(ctx.env(), ctx.home()), COMMANDS)
                    : new PlainInput(ctx.in(), ctx.terminal() && !common.json ? ctx.out() : null, ctx.interrupts());
            try (ReplInput lines = input) {
                Runnable restore = lines.onInterrupt(this::interrupt);
                try {
                    return repl(ctx);
                } finally {
                    restore.run();
                }
            }
        } finally {
            store.close();
        }
    }

    private Conversation newConversation(String id) {
        ProviderOptions.Builder options = ProviderOptions.builder().putAll(memoryOptions).service(ChatModel.class, model);
        if ((memory.equals("summarization") || memory.equals("hierarchical")) && !memoryOptions.containsKey("summary-model")) {
            options.put("summary-model", common.model);
        }
        MemoryStrategy strategy = MemoryStrategies.create(memory, options.build());
        return Conversation.builder(model).id(id).model(common.model).systemPrompt(systemPrompt)
                .configureRequest(request -> request.model(currentModel))
                .memory(strategy).store(store).build();
    }

    /** Ctrl-C: cancels the answer being streamed; with none, quits as Ctrl-C always does. */
    void interrupt() {
        ChatStream stream = current.get();
        if (stream != null) {
            cancelled.set(true);
            stream.close();
        } else if (input == null || !input.interactive()) {
            // plain input blocks in a read nothing can interrupt: quit as Ctrl-C always does
            ctx().out().println();
            ctx().out().flush();
            Runtime.getRuntime().halt(130);
        }
        // on a terminal, Ctrl-C at the prompt is the line editor's (the line is dropped)
    }

    private int repl(CliContext ctx) {
        PrintWriter out = ctx.out();
        boolean prompts = input.interactive() || (ctx.terminal() && !common.json);
        if (!common.json) {
            int earlier = conversation.transcript().size();
            out.println("llama chat: model " + common.model + ", memory " + memory
                    + (session != null ? ", session " + session + (earlier > 0 ? " (resumed, " + earlier + " messages)" : " (new)") : "")
                    + ". /help for commands, /exit to quit.");
            out.flush();
        }
        while (true) {
            String line = input.readLine("you> ");
            if (line == null) {
                if (input.interactive()) {
                    out.println();
                }
                return ExitCodes.OK;
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("/")) {
                if (!slash(line, out)) {
                    return ExitCodes.OK;
                }
                continue;
            }
            turn(line, ctx, prompts);
        }
    }

    /**
     * One turn. A failure is reported in the user's words ({@link #failure}) and the chat goes on; before any turn
     * was answered, a refused key or an unreachable server ends the chat instead (its exception propagates).
     */
    private void turn(String text, CliContext ctx, boolean prompts) {
        PrintWriter out = ctx.out();
        cancelled.set(false);
        AtomicBoolean arrived = new AtomicBoolean();
        if (prompts) {
            out.print("llama> ");
            out.flush();
        }
        try {
            ChatResponse reply = conversation.stream(text, token -> {
                arrived.set(true);
                if (!common.json) {
                    out.print(token);
                    out.flush();
                }
            });
            if (common.json) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("conversation", conversation.id());
                json.put("reply", reply.text());
                json.put("stopReason", reply.stopReason().toString().toLowerCase(java.util.Locale.ROOT));
                reply.usage().ifPresent(u -> json.put("usage", u));
                out.println(lines.writeValueAsString(json));
            } else {
                out.println();
            }
            out.flush();
            answered = true;
        } catch (RuntimeException e) {
            if (cancelled.get()) {
                out.println();
                out.println("[answer cancelled]");
                out.flush();
                return;
            }
            if (!common.json) {
                out.println();
                out.flush();
            }
            // before any answer, no key or no server means the chat cannot work: it ends with the error's exit code
            if (!answered && (e instanceof AuthenticationException
                    || (e instanceof LlamaConnectionException && !arrived.get()))) {
                throw e;
            }
            // otherwise the turn fails and the chat goes on (a key revoked since, a server error after retries, a
            // stream cut short): the same words as any command's error
            report(ctx, (arrived.get() ? "the answer was cut off: " : "") + failure(ctx, e).message()
                    + " (the turn was not answered; go on, or /exit)", e);
            ctx.err().flush();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } finally {
            current.set(null);
        }
    }

    /** A slash command; false to quit. */
    private boolean slash(String line, PrintWriter out) {
        String[] parts = line.split("\\s+", 2);
        String arg = parts.length > 1 ? parts[1].strip() : "";
        switch (parts[0]) {
            case "/exit":
            case "/quit":
                return false;
            case "/help":
                out.println(HELP);
                break;
            case "/reset":
            case "/clear":
                String id = (session != null ? session : "chat") + "-" + UUID.randomUUID().toString().substring(0, 8);
                conversation = newConversation(id);
                out.println("new conversation " + id + (session != null
                        ? " (the session '" + session + "' is kept; resume it with --session " + session + ")" : ""));
                break;
            case "/model":
                if (!arg.isEmpty()) {
                    currentModel = arg;
                    out.println("the next turns go to " + arg);
                } else {
                    out.println("model: " + currentModel);
                }
                break;
            case "/system":
                out.println("system prompt: " + systemPrompt);
                break;
            case "/memory":
                out.println("memory: " + conversation.memory().name() + (memoryOptions.isEmpty() ? "" : " " + memoryOptions));
                var last = conversation.lastContext();
                if (last.isPresent()) {
                    MemoryContext c = last.get();
                    out.println("last turn sent " + c.messages().size() + " messages (~" + c.estimatedTokens()
                            + " tokens): " + c.selectedSeqs().size() + " from the transcript, " + c.derivedMessages()
                            + " derived (summaries, recalls)");
                } else {
                    out.println("no turn yet in this run");
                }
                out.println("transcript: " + conversation.transcript().size() + " messages");
                break;
            case "/history":
                if (conversation.transcript().isEmpty()) {
                    out.println("(no messages yet)");
                }
                for (TranscriptEntry e : conversation.transcript().entries()) {
                    out.println(describe(e));
                }
                break;
            case "/save":
                save(arg, out);
                break;
            default:
                out.println("unknown command " + parts[0] + "; /help lists them");
        }
        out.flush();
        return true;
    }

    private void save(String file, PrintWriter out) {
        if (file.isEmpty()) {
            if (session != null) {
                out.println("session '" + session + "' is saved in " + SessionStores.describe(storeSpec, sessionDir) + " after every turn");
            } else {
                out.println("nothing to save to: give a file (/save chat.md), or start with --session ID");
            }
            return;
        }
        StringBuilder md = new StringBuilder("# Conversation " + conversation.id() + "\n\n");
        for (TranscriptEntry e : conversation.transcript().entries()) {
            Message m = e.message();
            md.append("**").append(m.role().toString().toLowerCase(java.util.Locale.ROOT)).append("**")
                    .append(e.has(EntryFlag.UNANSWERED) ? " (unanswered)" : "").append(": ")
                    .append(m.text()).append("\n\n");
        }
        try {
            Files.writeString(Path.of(file), md.toString(), StandardCharsets.UTF_8);
            out.println("saved " + conversation.transcript().size() + " messages to " + file);
        } catch (IOException | RuntimeException e) {
            out.println("cannot save to " + file + ": " + e.getMessage());
        }
    }

    private static String describe(TranscriptEntry e) {
        Message m = e.message();
        String text = m.text() == null ? "" : m.text().replaceAll("\\s*\\R\\s*", " ");
        return m.role().toString().toLowerCase(java.util.Locale.ROOT) + (e.has(EntryFlag.UNANSWERED) ? " (unanswered)" : "")
                + ": " + text;
    }

    /** Remembers the stream being read, so that Ctrl-C can close it. */
    static final class CancellableModel implements ChatModel {
        private final ChatModel delegate;
        private final AtomicReference<ChatStream> current;

        CancellableModel(ChatModel delegate, AtomicReference<ChatStream> current) {
            this.delegate = delegate;
            this.current = current;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            return delegate.chat(request);
        }

        @Override
        public ChatStream stream(ChatRequest request) {
            ChatStream stream = delegate.stream(request);
            current.set(stream);
            return stream;
        }
    }
}
