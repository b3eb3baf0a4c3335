package dev.llamakit.internal.stream;

import dev.llamakit.client.ChatStreamEvent;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The Reactive Streams TCK (TestNG, run on the JUnit Platform by the TestNG engine) against
 * {@link ChatStreamPublisher} over in-memory streams of text deltas.
 */
public class ChatStreamPublisherTckTest extends FlowPublisherVerification<ChatStreamEvent> {
    /** How long the TCK waits for an expected signal, and for the absence of one. */
    private static final long TIMEOUT_MILLIS = 300;
    private static final long NO_SIGNAL_MILLIS = 50;

    public ChatStreamPublisherTckTest() {
        super(new TestEnvironment(TIMEOUT_MILLIS, NO_SIGNAL_MILLIS), TIMEOUT_MILLIS);
    }

    @Override
    public Flow.Publisher<ChatStreamEvent> createFlowPublisher(long elements) {
        return new ChatStreamPublisher(c -> new CountingChatStream(elements), StreamThreads.pool());
    }

    @Override
    public Flow.Publisher<ChatStreamEvent> createFailedFlowPublisher() {
        return new ChatStreamPublisher(c -> {
            throw new IllegalStateException("the call cannot be made");
        }, StreamThreads.pool());
    }

    /** Bounded, yet large enough for every required test (rule 3.17 asks for Integer.MAX_VALUE, made lazily). */
    @Override
    public long maxElementsFromPublisher() {
        return Integer.MAX_VALUE;
    }
}
