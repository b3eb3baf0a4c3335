package dev.llamakit.apps.cli;

import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import java.io.PrintWriter;
import java.util.Objects;

/**
 * A model whose answers are printed as they arrive: {@link #chat} streams the reply, writes its text to
 * {@code out} (stripped, as the command would have printed it whole; the line ended) and returns the whole reply
 * to the service that asked. The services ({@code QuestionAnswerer}, {@code RagPipeline}, {@code TextSummarizer})
 * stay unaware of it. While {@link #hold() held} (the map calls of a long summary), calls are not streamed.
 */
final class StreamingModel implements ChatModel {
    private final ChatModel delegate;
    private final PrintWriter out;
    private final StablePrefix rewrite;
    private volatile boolean held;
    private volatile boolean streamed;

    /**
     * @param rewrite what is printed of a stable prefix of the reply (e.g. citations renumbered); must map a prefix
     *                of the reply to a prefix of what it maps the whole reply to ({@link StablePrefix})
     */
    StreamingModel(ChatModel delegate, PrintWriter out, StablePrefix rewrite) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.out = Objects.requireNonNull(out, "out");
        this.rewrite = Objects.requireNonNull(rewrite, "rewrite");
    }

    StreamingModel(ChatModel delegate, PrintWriter out) {
        this(delegate, out, StablePrefix.VERBATIM);
    }

    /** What of a partial reply may be printed already: a prefix of what the whole reply prints as. */
    interface StablePrefix {
        StablePrefix VERBATIM = partial -> partial;

        /** The text to print for the reply received so far (a growing prefix as the reply grows). */
        String stable(String partial);

        /** The text to print for the whole reply; by default {@link #stable}. */
        default String whole(String reply) {
            return stable(reply);
        }
    }

    /** Calls are answered whole, not printed, until {@link #release()}. */
    StreamingModel hold() {
        held = true;
        return this;
    }

    /** Calls are streamed and printed again. */
    void release() {
        held = false;
    }

    /** Whether an answer was printed: the command then does not print it again. */
    boolean streamed() {
        return streamed;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        if (held) {
            return delegate.chat(request);
        }
        Printer printer = new Printer();
        try (ChatStream stream = delegate.stream(request)) {
            ChatResponse reply = stream.onText(printer::append);
            printer.end(reply.text() == null ? printer.raw.toString() : reply.text());
            streamed = true;
            return reply;
        } catch (RuntimeException e) {
            printer.abort();
            throw e;
        }
    }

    @Override
    public ChatStream stream(ChatRequest request) {
        return delegate.stream(request);
    }

    /** Prints the growing stable prefix, without leading whitespace and holding back trailing whitespace. */
    private final class Printer {
        final StringBuilder raw = new StringBuilder();
        final StringBuilder pendingSpace = new StringBuilder();
        int emitted;
        boolean started;

        void append(String delta) {
            raw.append(delta);
            emit(rewrite.stable(raw.toString()));
        }

        void end(String whole) {
            emit(rewrite.whole(whole));
            out.println();
            out.flush();
        }

        void abort() {
            if (started) {
                out.println();
                out.flush();
            }
        }

        private void emit(String text) {
            if (text.length() <= emitted) {
                return;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = emitted; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    if (started) {
                        pendingSpace.append(c);
                    }
                } else {
                    sb.append(pendingSpace).append(c);
                    pendingSpace.setLength(0);
                    started = true;
                }
            }
            emitted = text.length();
            if (!sb.isEmpty()) {
                out.print(sb);
                out.flush();
            }
        }
    }
}
