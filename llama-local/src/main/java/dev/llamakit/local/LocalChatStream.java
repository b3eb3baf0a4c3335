package dev.llamakit.local;

import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaOutput;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.RateLimits;
import dev.llamakit.client.error.StreamCancelledException;
import dev.llamakit.local.LocalModelException.Reason;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Queue;
import java.lang.ref.Cleaner;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

/**
 * The tokens of one local generation as {@link ChatStreamEvent}s. Each native call for the next token holds a
 * lock; {@link #close()} takes it too, so a close from another thread cancels the generation after at most one
 * more token. A stream dropped without being read to the end or closed is cancelled once the garbage collector finds
 * it, so that it does not hold the model for ever.
 */
final class LocalChatStream implements ChatStream {
    private static final Cleaner DROPPED = Cleaner.create();

    private final Generation generation;
    private final Cleaner.Cleanable cleanable;
    private final LlamaIterator tokens;
    private final String model;
    private final int promptTokens;
    private final int maxTokens;
    private final ToIntFunction<String> tokenizer;
    private final ReentrantLock nativeCall;
    private final StringBuilder text = new StringBuilder();
    private final Queue<ChatStreamEvent> pending = new ArrayDeque<>();
    private final long startNanos = System.nanoTime();
    private int completionTokens;
    private int newlineTokens = -1;
    private boolean started;
    private boolean iterated;
    private volatile boolean cancelled;
    private StopReason stopReason;
    private RuntimeException failure;

    /**
     * @param tokenizer counts the tokens of a text with the model's tokenizer
     * @param release gives the model to the next request (run once, when the generation ends or is cancelled)
     */
    LocalChatStream(LlamaIterator tokens, String model, int promptTokens, int maxTokens, ToIntFunction<String> tokenizer,
                    Runnable release) {
        this.tokens = tokens;
        this.model = model;
        this.promptTokens = promptTokens;
        this.maxTokens = maxTokens;
        this.tokenizer = tokenizer;
        this.generation = new Generation(tokens, release);
        this.nativeCall = generation.nativeCall;
        this.cleanable = DROPPED.register(this, generation);
    }

    /**
     * What must be undone when a stream ends, is closed or is dropped: the native generation and the model's turn.
     * It holds no reference to the stream, so that a dropped stream can be collected and this run by the cleaner.
     */
    private static final class Generation implements Runnable {
        final LlamaIterator tokens;
        final Runnable release;
        final ReentrantLock nativeCall = new ReentrantLock();
        volatile boolean finished;

        Generation(LlamaIterator tokens, Runnable release) {
            this.tokens = tokens;
            this.release = release;
        }

        void finish() {
            if (!finished) {
                finished = true;
                release.run();
            }
        }

        /** Cancels the generation if it still runs and gives the model to the next request. */
        @Override
        public void run() {
            nativeCall.lock();
            try {
                if (!finished) {
                    tokens.cancel();
                }
            } catch (RuntimeException e) {
                // cancelling failed: the turn is given back all the same
            } finally {
                finish();
                nativeCall.unlock();
            }
        }
    }

    @Override
    public Iterator<ChatStreamEvent> iterator() {
        if (iterated) {
            throw new IllegalStateException("a ChatStream can be iterated only once");
        }
        iterated = true;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                fill();
                return !pending.isEmpty();
            }

            @Override
            public ChatStreamEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.remove();
            }
        };
    }

    /** Queues the next events (reading one token), or nothing at the end. */
    private void fill() {
        if (!pending.isEmpty()) {
            return;
        }
        if (!started) {
            started = true;
            pending.add(new ChatStreamEvent.Start(null, model));
            return;
        }
        while (pending.isEmpty() && stopReason == null) {
            readToken();
        }
    }

    private void readToken() {
        nativeCall.lock();
        try {
            if (cancelled) {
                throw new StreamCancelledException("the local generation was cancelled (stream closed)", partial());
            }
            if (failure != null) {
                throw failure; // the generation failed: it does not end well on a second look
            }
            if (generation.finished || !tokens.hasNext()) {
                end();
                return;
            }
            LlamaOutput out;
            boolean last;
            int count;
            try {
                out = tokens.next();
                last = !tokens.hasNext();
                count = last ? 0 : tokensOf(out.text); // the last output only marks the end
            } catch (RuntimeException e) { // java-llama.cpp's LlamaException is not public
                throw new LocalModelException(Reason.GENERATION, "llama.cpp failed while generating: " + e.getMessage(), e);
            }
            completionTokens = Math.min(maxTokens, completionTokens + count);
            if (!out.text.isEmpty()) {
                text.append(out.text);
                pending.add(new ChatStreamEvent.TextDelta(out.text));
            }
            if (last) {
                end();
            }
        } catch (RuntimeException e) {
            if (!(e instanceof StreamCancelledException)) {
                failure = e;
                finish();
            }
            throw e;
        } finally {
            nativeCall.unlock();
        }
    }

    /**
     * The tokens behind one output. llama.cpp holds back the bytes of an unfinished UTF-8 character, so one output
     * can carry several tokens; it then holds a non-ASCII character, and re-tokenizing it finds them (each U+FFFD, an
     * invalid byte, was one byte token). An ASCII output is one token.
     */
    private int tokensOf(String output) {
        int replacements = 0;
        boolean ascii = true;
        for (int i = 0; i < output.length(); i++) {
            char c = output.charAt(i);
            if (c >= 0x80) {
                ascii = false;
                if (c == '\uFFFD') {
                    replacements++;
                }
            }
        }
        if (ascii) {
            return 1;
        }
        String valid = replacements == 0 ? output : output.replace("\uFFFD", "");
        return Math.max(1, (valid.isEmpty() ? 0 : tokensAfterNewline(valid)) + replacements);
    }

    /**
     * Tokens of {@code text} as it appears inside a reply: after a newline, which no tokenizer merges with a letter,
     * so that a SentencePiece tokenizer does not count the space it puts before a text's first word.
     */
    private int tokensAfterNewline(String text) {
        if (newlineTokens < 0) {
            newlineTokens = tokenizer.applyAsInt("\n");
        }
        return Math.max(0, tokenizer.applyAsInt("\n" + text) - newlineTokens);
    }

    private void end() {
        if (stopReason != null) {
            return;
        }
        stopReason = completionTokens >= maxTokens ? StopReason.LENGTH : StopReason.STOP;
        finish();
        pending.add(new ChatStreamEvent.Complete(stopReason));
        pending.add(new ChatStreamEvent.Metrics(usage(), metrics()));
    }

    private void finish() {
        generation.finish();
        cleanable.clean(); // nothing left for the cleaner
    }

    private Usage usage() {
        return new Usage(promptTokens, completionTokens, (long) promptTokens + completionTokens);
    }

    private Map<String, Double> metrics() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return Map.of("completion_tokens_per_second", seconds > 0 ? completionTokens / seconds : 0.0);
    }

    private ChatResponse partial() {
        return response(StopReason.OTHER);
    }

    private ChatResponse response(StopReason reason) {
        return ChatResponse.builder().model(model).message(new AssistantMessage(text.toString(), List.of(), reason))
                .stopReason(reason).usage(usage()).metrics(metrics()).build();
    }

    @Override
    public ChatResponse collect() {
        Iterator<ChatStreamEvent> events = iterated ? null : iterator();
        if (events != null) {
            while (events.hasNext()) {
                events.next();
            }
        } else {
            while (stopReason == null) {
                readToken();
            }
        }
        return response(stopReason);
    }

    @Override
    public Optional<String> requestId() {
        return Optional.empty();
    }

    @Override
    public RateLimits rateLimits() {
        return RateLimits.NONE;
    }

    /** Cancels the generation if it is still running and gives the model to the next request. */
    @Override
    public void close() {
        nativeCall.lock();
        try {
            if (generation.finished) {
                return;
            }
            cancelled = true;
            cleanable.clean(); // cancels the generation and gives the model back
        } finally {
            nativeCall.unlock();
        }
    }
}
