package dev.llamakit.local;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ResponseFormat;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolChoice;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.client.error.StreamCancelledException;
import dev.llamakit.local.LocalModelException.Reason;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link ChatModel} that runs a Llama model from a GGUF file inside the JVM, on llama.cpp (java-llama.cpp):
 * no server, no network.
 *
 * <pre>{@code
 * try (LocalChatModel model = LocalChatModel.builder(Path.of("Llama-3.2-1B-Instruct-Q4_K_M.gguf")).threads(4).load()) {
 *     ChatResponse reply = model.chat(ChatRequest.builder().model(model.name())
 *         .addMessage(Message.user("Name one moon of Mars.")).build());
 * }
 * }</pre>
 *
 * <p><b>Loading is slow</b> (it maps the whole file and allocates the context: seconds for a few GB); do it once
 * and share the instance. It is thread-safe: there is one context, and requests are <b>queued</b> in arrival order
 * (a fair lock), each holding the model until its reply is complete or its stream is closed. Prompts are formatted
 * with the file's chat template ({@code tokenizer.chat_template}) or the configured one. {@code model} in requests
 * is ignored. Beyond the mapped parameters, {@code extraBody("stop", List.of(...))} sets stop sequences and
 * {@code extraBody("seed", 42)} the sampling seed ({@code extraBody("ignore_eos", true)}, llama.cpp's
 * extension, generates up to the token limit). After {@link #close()} the JVM exits normally; java-llama.cpp 4.2.0
 * cannot give a model's native memory back, so a closed model is kept and reused when the same file is loaded again
 * with the same settings.
 */
public final class LocalChatModel implements ChatModel, AutoCloseable {
    private final LlamaModel llama;
    private final NativeModelPool.Key poolKey;
    private final String name;
    private final int contextSize;
    private final String chatTemplate;
    private final TemplateConstraints templateConstraints;
    /** 1 when llama.cpp puts a begin-of-text token before every prompt (it strips one the template writes). */
    private final int bosTokens;
    private final Semaphore turn = new Semaphore(1, true);
    /** The stream that holds the turn, if any: closing the model cancels it (weak: a dropped stream is collected). */
    private volatile WeakReference<LocalChatStream> current;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private LocalChatModel(Builder b, GgufMetadata metadata) {
        this.name = b.name != null ? b.name
                : metadata.name().orElseGet(() -> b.modelFile.getFileName().toString().replaceFirst("\\.gguf$", ""));
        long trained = metadata.contextLength().orElse(4096);
        this.contextSize = b.contextSize > 0 ? b.contextSize : (int) Math.min(trained, 4096);
        this.chatTemplate = b.chatTemplate != null ? b.chatTemplate : metadata.chatTemplate().orElse(null);
        this.templateConstraints = new TemplateConstraints(chatTemplate == null ? "" : chatTemplate);
        this.bosTokens = metadata.addsBosToken() ? 1 : 0;
        ModelParameters params = new ModelParameters().setModel(b.modelFile.toAbsolutePath().toString())
                .setCtxSize(contextSize).setParallel(1).enableJinja().disableLog();
        if (b.gpuLayers > 0) { // passing 0 makes CPU-only builds print a warning
            params.setGpuLayers(b.gpuLayers);
        }
        if (b.threads > 0) {
            params.setThreads(b.threads);
        }
        if (b.chatTemplate != null) {
            params.setChatTemplate(b.chatTemplate);
        }
        try {
            NativeLibrary.load();
        } catch (LinkageError | RuntimeException e) {
            throw new LocalModelException(Reason.UNSUPPORTED, "llama.cpp's native library cannot be loaded on this "
                    + "platform (" + System.getProperty("os.name") + ", " + System.getProperty("os.arch") + "): " + e, e);
        }
        this.poolKey = NativeModelPool.Key.of(b.modelFile, contextSize, b.threads, b.gpuLayers, b.chatTemplate);
        try {
            this.llama = NativeModelPool.take(poolKey, () -> new LlamaModel(params));
        } catch (RuntimeException e) {
            throw new LocalModelException(Reason.MODEL_FILE, "llama.cpp cannot load " + b.modelFile + ": " + e.getMessage(), e);
        }
        NativeThreadGuard.opened(this);
    }

    /** A builder for the model in {@code modelFile} (a GGUF file). */
    public static Builder builder(Path modelFile) {
        return new Builder(modelFile);
    }

    /** Loads {@code modelFile} with the defaults. Slow: see {@link Builder#load()}. */
    public static LocalChatModel load(Path modelFile) {
        return builder(modelFile).load();
    }

    /** The model's name: the configured one, else {@code general.name} from the file, else the file name. */
    public String name() {
        return name;
    }

    /** The context window in tokens (prompt and reply together). */
    public int contextSize() {
        return contextSize;
    }

    /** A {@link dev.llamakit.tokens.TokenCounter} backed by this model's tokenizer and chat template. */
    public LocalTokenCounter tokenCounter() {
        return new LocalTokenCounter(this);
    }

    /** Tokens of {@code text} by the model's tokenizer (no special tokens added). */
    public int countTokens(String text) {
        Objects.requireNonNull(text, "text");
        return withModel(() -> llama.encode(text).length);
    }

    /**
     * Answers the request. With tools, a reply that is only tool calls in the Llama 3.1+ format
     * ({@code {"name": ..., "parameters": {...}}}) comes back as tool calls with {@link StopReason#TOOL_CALLS}.
     * {@link ToolChoice#REQUIRED} and {@link ToolChoice#function(String)} force one call through a grammar (the
     * reply can only be a call of an offered tool with arguments of its schema); {@link ToolChoice#NONE} leaves the
     * tools out of the prompt.
     */
    @Override
    public ChatResponse chat(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        List<ToolDefinition> tools = offeredTools(request);
        ChatResponse reply;
        try (ChatStream stream = generate(request, tools)) {
            reply = stream.collect();
        } catch (StreamCancelledException e) {
            throw new LocalModelException(Reason.CLOSED, "the local model " + name + " was closed during the request", e);
        }
        if (tools.isEmpty()) {
            return reply;
        }
        List<ToolCall> calls = ToolCallParser.parse(reply.text(), tools);
        if (calls.isEmpty()) {
            return ToolCallParser.genericResponse(reply.text())
                    .map(text -> replaced(reply, new AssistantMessage(text, List.of(), reply.stopReason()), reply.stopReason()))
                    .orElse(reply);
        }
        return replaced(reply, new AssistantMessage("", calls, StopReason.TOOL_CALLS), StopReason.TOOL_CALLS);
    }

    private ChatResponse replaced(ChatResponse reply, AssistantMessage message, StopReason stopReason) {
        return ChatResponse.builder().model(name).message(message).stopReason(stopReason)
                .usage(reply.usage().orElse(null)).metrics(reply.metrics()).build();
    }

    /**
     * Streams the reply. The stream holds the model until it ends or is closed; closing it cancels the generation
     * after at most one more token. With tools the reply is generated completely first (see {@link #chat}), then
     * replayed.
     *
     * @throws LocalModelException when the model has no chat template, the prompt does not fit the context, the
     *     request asks for tools the template does not support, or the model is closed
     */
    @Override
    public ChatStream stream(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        List<ToolDefinition> tools = offeredTools(request);
        // a reply is known to be tool calls only once complete: with tools, the complete reply is replayed
        return tools.isEmpty() ? generate(request, tools) : ChatStream.of(chat(request));
    }

    /** The request's tools, unless its tool choice is {@code none}. */
    private static List<ToolDefinition> offeredTools(ChatRequest request) {
        return request.toolChoice().filter(ToolChoice.NONE::equals).isPresent() ? List.of() : request.tools();
    }

    private ChatStream generate(ChatRequest request, List<ToolDefinition> tools) {
        if (!tools.isEmpty() && (chatTemplate == null || !chatTemplate.contains("tools"))) {
            throw new LocalModelException(Reason.UNSUPPORTED, "tool calling is not supported by this model: its chat "
                    + "template does not take tools (use a tool-aware model such as Llama 3.1+ Instruct)");
        }
        Optional<String> forcedCall = request.toolChoice()
                .flatMap(choice -> ToolCallSchema.forced(choice, tools));
        Optional<String> replySchema = request.responseFormat().filter(f -> "json_schema".equals(f.type()))
                .flatMap(ResponseFormat::schema);
        if (forcedCall.isPresent() && replySchema.isPresent()) {
            throw new IllegalArgumentException("a forced tool call and a JSON-schema response format cannot be combined: "
                    + "the reply is either the call or the JSON");
        }
        String prompt = render(request.messages(), tools);
        int promptTokens = promptTokens(prompt);
        int room = contextSize - promptTokens;
        if (room < 1) {
            throw new LocalModelException(Reason.CONTEXT_OVERFLOW, "the prompt takes " + promptTokens
                    + " tokens and leaves no room for a reply: the context holds " + contextSize
                    + " (raise the context size or shorten the messages)");
        }
        int maxTokens = Math.min(room, request.maxCompletionTokens().orElse(room));
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxCompletionTokens must be at least 1, got " + maxTokens);
        }
        InferenceParameters params = parameters(request, prompt, maxTokens);
        forcedCall.or(() -> replySchema).ifPresent(schema -> params.setGrammar(JsonGrammar.of(schema)));
        acquireTurn();
        try {
            checkOpen();
            LocalChatStream stream = new LocalChatStream(start(params), name, promptTokens, maxTokens,
                    text -> llama.encode(text).length, this::releaseTurn);
            current = new WeakReference<>(stream);
            return stream;
        } catch (RuntimeException | Error e) {
            turn.release();
            throw e;
        }
    }

    private LlamaIterator start(InferenceParameters params) {
        try {
            return llama.generate(params).iterator();
        } catch (RuntimeException e) { // java-llama.cpp's LlamaException is not public
            throw new LocalModelException(Reason.GENERATION, "llama.cpp cannot start the generation: " + e.getMessage(), e);
        }
    }

    /** The prompt text: the messages through the chat template, with the assistant's turn opened. */
    String render(List<dev.llamakit.chat.Message> messages, List<ToolDefinition> tools) {
        if (chatTemplate == null) {
            throw new LocalModelException(Reason.NO_CHAT_TEMPLATE, "the model file has no chat template "
                    + "(tokenizer.chat_template) and none is configured: set one with LocalChatModel.builder(...).chatTemplate(...)");
        }
        // a template that raises an exception ends the process: shape the conversation to what it accepts
        String input = PromptRenderer.templateInput(templateConstraints.fit(messages), tools);
        return withModel(() -> llama.applyTemplate(input));
    }

    /**
     * Tokens of a rendered prompt as llama.cpp counts it: llama.cpp strips a begin-of-text token the template writes
     * and puts its own before the prompt, which {@code encode} does not count.
     */
    int promptTokens(String prompt) {
        return withModel(() -> llama.encode(prompt).length) + bosTokens;
    }

    private InferenceParameters parameters(ChatRequest request, String prompt, int maxTokens) {
        InferenceParameters p = new InferenceParameters(prompt).setNPredict(maxTokens);
        request.temperature().ifPresent(t -> p.setTemperature((float) t));
        request.topP().ifPresent(t -> p.setTopP((float) t));
        request.topK().ifPresent(p::setTopK);
        request.repetitionPenalty().ifPresent(r -> p.setRepeatPenalty((float) r));
        Object seed = request.extraBody().get("seed");
        if (seed != null) {
            p.setSeed(seed(seed));
        }
        if (Boolean.TRUE.equals(request.extraBody().get("ignore_eos"))) {
            p.setIgnoreEos(true);
        }
        List<String> stops = stopSequences(request.extraBody().get("stop"));
        if (!stops.isEmpty()) {
            p.setStopStrings(stops.toArray(String[]::new));
        }
        return p;
    }

    private static int seed(Object value) {
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.doubleValue() >= Integer.MIN_VALUE && n.doubleValue() <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw new IllegalArgumentException("extraBody 'seed' must be a whole number within the range of an int, got " + value);
    }

    private static List<String> stopSequences(Object value) {
        List<String> stops = new ArrayList<>();
        if (value instanceof String s) {
            stops.add(s);
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) {
                if (!(o instanceof String s) || s.isEmpty()) {
                    throw new IllegalArgumentException("extraBody 'stop' must hold non-empty strings, got " + o);
                }
                stops.add(s);
            }
        } else if (value != null) {
            throw new IllegalArgumentException("extraBody 'stop' must be a string or a list of strings, got " + value);
        }
        return stops;
    }

    private void releaseTurn() {
        current = null;
        turn.release();
    }

    private void acquireTurn() {
        try {
            turn.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlamaException("interrupted while waiting for the local model " + name, e);
        }
    }

    private <T> T withModel(java.util.function.Supplier<T> action) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            return action.get();
        } catch (LocalModelException | IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) { // java-llama.cpp's LlamaException is not public
            throw new LocalModelException(Reason.GENERATION, "llama.cpp failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new LocalModelException(Reason.CLOSED, "the local model " + name + " is closed");
        }
    }

    /**
     * Ends this model: cancels the request in progress (a {@code chat} then fails with {@link Reason#CLOSED}, a stream
     * with {@code StreamCancelledException}) and waits for it to let go; later requests fail with {@link Reason#CLOSED}.
     * Idempotent. The native model is not freed (java-llama.cpp 4.2.0 gives no memory back
     * whatever is done) but kept: the next load of the same file with the same settings reuses it instead of growing
     * the process.
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lifecycle.writeLock().unlock();
        }
        WeakReference<LocalChatStream> holder = current;
        LocalChatStream open = holder == null ? null : holder.get();
        if (open != null) {
            open.close(); // a stream nobody reads or closes would hold the model for ever
        }
        turn.acquireUninterruptibly();
        try {
            NativeModelPool.park(poolKey, llama); // java-llama.cpp's close() gives no memory back: reuse it instead
        } finally {
            NativeThreadGuard.closed(this);
            turn.release();
        }
    }

    /** The native model (tests check that a reload reuses it). */
    LlamaModel nativeModel() {
        return llama;
    }

    @Override
    public String toString() {
        return "LocalChatModel[" + name + ", contextSize=" + contextSize + "]";
    }

    /** Configures and loads a {@link LocalChatModel}. */
    public static final class Builder {
        private final Path modelFile;
        private int threads;
        private int contextSize;
        private int gpuLayers;
        private String chatTemplate;
        private String name;

        private Builder(Path modelFile) {
            this.modelFile = Objects.requireNonNull(modelFile, "modelFile");
        }

        /** CPU threads for generation; default: llama.cpp's choice (the cores it finds). */
        public Builder threads(int threads) {
            this.threads = positive(threads, "threads");
            return this;
        }

        /** The context window in tokens; default: the model's training context, at most 4096. */
        public Builder contextSize(int contextSize) {
            this.contextSize = positive(contextSize, "contextSize");
            return this;
        }

        /** Layers offloaded to a GPU; default 0 (the bundled natives are CPU-only on Linux and Windows). */
        public Builder gpuLayers(int gpuLayers) {
            if (gpuLayers < 0) {
                throw new IllegalArgumentException("gpuLayers must not be negative, got " + gpuLayers);
            }
            this.gpuLayers = gpuLayers;
            return this;
        }

        /** A Jinja chat template to use instead of the file's {@code tokenizer.chat_template}. */
        public Builder chatTemplate(String chatTemplate) {
            this.chatTemplate = Objects.requireNonNull(chatTemplate, "chatTemplate");
            return this;
        }

        /** The name reported in responses; default: {@code general.name} from the file, else the file name. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Loads the model: <b>slow</b> (reads the file's metadata, maps its weights, allocates the context).
         *
         * @throws LocalModelException ({@link Reason#MODEL_FILE}) when the file is missing or not a loadable GGUF model
         */
        public LocalChatModel load() {
            return new LocalChatModel(this, GgufMetadata.read(modelFile));
        }

        private static int positive(int value, String what) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be positive, got " + value);
            }
            return value;
        }
    }
}
