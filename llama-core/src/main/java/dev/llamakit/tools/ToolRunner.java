package dev.llamakit.tools;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolChoice;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tool loop: sends a request with the tools' definitions, runs the tools the model calls, sends their
 * results back, and repeats until the model answers without calling tools. Immutable and thread-safe.
 *
 * <pre>{@code
 * ToolRunner runner = ToolRunner.builder(client).tool(weather).tool(calendar).build();
 * ToolRunResult result = runner.run(ChatRequest.builder()
 *     .model("Llama-3.3-70B-Instruct")
 *     .addMessage(Message.user("Do I need an umbrella for my 3 pm meeting?"))
 *     .build());
 * System.out.println(result.text());
 * }</pre>
 *
 * <p>Each reply with tool calls is appended as is (its tool calls included), followed by one {@link ToolMessage}
 * per call, in the calls' order, answering the call's id. A tool call without an id (some local servers omit
 * it) gets {@code call_<n>_<i>} in the echoed message and in its tool message. Failures of a tool are reported to
 * the model, not thrown: see {@link ToolHandler}. Only the model's own errors ({@code LlamaException}s) and the
 * loop's bound ({@link ToolLoopException}) end a run early. A forced tool choice ({@code required} or a named
 * function) applies to the first model call only; later calls let the model decide ({@code auto}), so that it can
 * answer with the tools' results.
 */
public final class ToolRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ToolRunner.class);

    private final ChatModel model;
    private final List<ToolDefinition> definitions;
    private final ToolCallRunner calls;
    private final int maxIterations;
    private final Executor executor;

    private ToolRunner(Builder b) {
        this.model = b.model;
        this.definitions = b.tools.values().stream().map(Tool::definition).collect(Collectors.toUnmodifiableList());
        this.calls = new ToolCallRunner(b.tools);
        this.maxIterations = b.maxIterations;
        this.executor = b.executor;
    }

    /** Starts a runner that sends its requests to {@code model}. */
    public static Builder builder(ChatModel model) {
        return new Builder(model);
    }

    /** The definitions this runner adds to each request, in registration order. */
    public List<ToolDefinition> definitions() {
        return definitions;
    }

    /** The most model calls one {@link #run} makes. */
    public int maxIterations() {
        return maxIterations;
    }

    /**
     * Runs the loop for {@code request} until the model answers without tool calls.
     *
     * @param request the first request; its tools are kept and this runner's are added after them
     * @return the final reply, the whole exchange, the number of model calls and every tool call run
     * @throws IllegalArgumentException when the request already has a different tool with a name of this runner
     * @throws ToolLoopException when the model still calls tools after {@link #maxIterations()} model calls, or
     *     the thread is interrupted while tools run (the interrupt flag is kept)
     * @throws dev.llamakit.client.error.LlamaException when a model call fails
     */
    public ToolRunResult run(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        ChatRequest base = withTools(request);
        List<Message> messages = new ArrayList<>(request.messages());
        List<ToolInvocation> invocations = new ArrayList<>();
        ChatRequest next = base;
        for (int modelCalls = 1; ; modelCalls++) {
            ChatResponse response = model.chat(next);
            if (!response.message().hasToolCalls()) {
                messages.add(response.message());
                return new ToolRunResult(response, messages, modelCalls, invocations);
            }
            AssistantMessage reply = withCallIds(response.message(), modelCalls);
            messages.add(reply);
            if (modelCalls >= maxIterations) {
                throw new ToolLoopException("the model still called tools (" + names(reply.toolCalls()) + ") after "
                        + modelCalls + " model calls; raise maxIterations (now " + maxIterations
                        + ") if the task needs more rounds", messages, modelCalls, invocations);
            }
            LOG.debug("model call {} asked for {} tool call(s): {}", modelCalls, reply.toolCalls().size(),
                    names(reply.toolCalls()));
            for (ToolInvocation invocation : runAll(reply.toolCalls(), messages, modelCalls, invocations)) {
                invocations.add(invocation);
                messages.add(new ToolMessage(invocation.callId(), invocation.result()));
            }
            next = afterToolResults(base).messages(messages).build();
        }
    }

    /**
     * The request for the round after tool results. A forced tool choice ({@code required} or a named function) would
     * make the model call a tool again in every round until {@link #maxIterations()}: it applies to the first round
     * only, and later rounds let the model decide ({@code auto}).
     */
    private static ChatRequest.Builder afterToolResults(ChatRequest base) {
        ChatRequest.Builder builder = base.toBuilder();
        base.toolChoice().filter(ToolRunner::forcesACall).ifPresent(c -> builder.toolChoice(ToolChoice.AUTO));
        return builder;
    }

    private static boolean forcesACall(ToolChoice choice) {
        return choice.equals(ToolChoice.REQUIRED) || choice.functionName().isPresent();
    }

    private ChatRequest withTools(ChatRequest request) {
        ChatRequest.Builder builder = request.toBuilder();
        for (ToolDefinition definition : definitions) {
            ToolDefinition present = request.tools().stream()
                    .filter(t -> t.name().equals(definition.name())).findFirst().orElse(null);
            if (present == null) {
                builder.addTool(definition);
            } else if (!present.equals(definition)) {
                throw new IllegalArgumentException("the request already has a different tool named '"
                        + definition.name() + "'; tool names must be unique");
            }
        }
        return builder.build();
    }

    /** The reply with an id for each tool call that has none, so that its result can answer it. */
    private static AssistantMessage withCallIds(AssistantMessage reply, int modelCall) {
        if (reply.toolCalls().stream().noneMatch(c -> c.id().isBlank())) {
            return reply;
        }
        List<ToolCall> fixed = new ArrayList<>();
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            ToolCall call = reply.toolCalls().get(i);
            fixed.add(call.id().isBlank() ? new ToolCall("call_" + modelCall + "_" + i, call.name(), call.arguments()) : call);
        }
        return new AssistantMessage(reply.text(), fixed, reply.stopReason());
    }

    private List<ToolInvocation> runAll(List<ToolCall> toolCalls, List<Message> messages, int modelCalls,
                                        List<ToolInvocation> invocations) {
        if (executor == null) {
            return toolCalls.stream().map(calls::run).collect(Collectors.toList());
        }
        List<CompletableFuture<ToolInvocation>> futures = toolCalls.stream()
                .map(call -> CompletableFuture.supplyAsync(() -> calls.run(call), executor))
                .collect(Collectors.toList());
        List<ToolInvocation> results = new ArrayList<>(futures.size());
        try {
            for (CompletableFuture<ToolInvocation> future : futures) {
                results.add(future.get());
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new ToolLoopException("interrupted while running tool calls (" + names(toolCalls) + ")",
                    messages, modelCalls, invocations);
        } catch (ExecutionException e) {
            // ToolCallRunner reports every Exception to the model, so only Errors get here
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("tool call failed unexpectedly", cause);
        }
        return results;
    }

    private static String names(List<ToolCall> toolCalls) {
        return toolCalls.stream().map(ToolCall::name).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "ToolRunner[tools=" + definitions.stream().map(ToolDefinition::name).collect(Collectors.joining(", "))
                + ", maxIterations=" + maxIterations + ", parallel=" + (executor != null) + "]";
    }

    /** Builds a {@link ToolRunner}. Not thread-safe. */
    public static final class Builder {
        private final ChatModel model;
        private final LinkedHashMap<String, Tool> tools = new LinkedHashMap<>();
        private int maxIterations = 8;
        private Executor executor;

        private Builder(ChatModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * Adds a tool.
         *
         * @throws IllegalArgumentException when a tool of that name was already added
         */
        public Builder tool(Tool tool) {
            Objects.requireNonNull(tool, "tool");
            if (tools.containsKey(tool.name())) {
                throw new IllegalArgumentException("duplicate tool name '" + tool.name() + "': each tool of a "
                        + "ToolRunner needs its own name (the model calls tools by name)");
            }
            tools.put(tool.name(), tool);
            return this;
        }

        /** Adds the tools, in order; see {@link #tool(Tool)}. */
        public Builder tools(Tool... tools) {
            Objects.requireNonNull(tools, "tools");
            return tools(Arrays.asList(tools));
        }

        /** Adds the tools, in order; see {@link #tool(Tool)}. */
        public Builder tools(Collection<? extends Tool> tools) {
            Objects.requireNonNull(tools, "tools");
            tools.forEach(this::tool);
            return this;
        }

        /** The most model calls one run makes (default 8, at least 1). */
        public Builder maxIterations(int maxIterations) {
            if (maxIterations < 1) {
                throw new IllegalArgumentException("maxIterations must be at least 1, got " + maxIterations);
            }
            this.maxIterations = maxIterations;
            return this;
        }

        /**
         * Runs the tool calls of one reply on this executor, in parallel; their results are still sent in the
         * calls' order. Without an executor they run one after the other on the calling thread.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Builds the runner.
         *
         * @throws IllegalArgumentException when no tool was added
         */
        public ToolRunner build() {
            if (tools.isEmpty()) {
                throw new IllegalArgumentException("ToolRunner needs at least one tool: call tool(Tool.of(...))");
            }
            return new ToolRunner(this);
        }
    }
}
