package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.error.AuthenticationException;
import dev.llamakit.client.error.BadRequestException;
import dev.llamakit.client.error.LlamaApiException;
import dev.llamakit.client.error.UnprocessableEntityException;
import dev.llamakit.client.observe.ChatCall;
import dev.llamakit.client.observe.ChatListener;
import dev.llamakit.client.observe.LoggingChatListener;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

class ChatListenerTest {
    static final String KEY = "listener-key-5772";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    /** Records every callback as a line. */
    static final class Recorder implements ChatListener {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onRequest(ChatCall call, ChatRequest request) {
            lines.add("request " + call.model() + " stream=" + call.streaming() + " messages=" + request.messages().size());
        }

        @Override
        public void onRetry(ChatCall call, int failedAttempt, Duration wait, String reason) {
            lines.add("retry " + failedAttempt + " " + reason + " " + wait.toMillis());
        }

        @Override
        public void onFirstToken(ChatCall call, Duration timeToFirstToken) {
            lines.add("first-token");
        }

        @Override
        public void onResponse(ChatCall call, ChatResponse response, Duration duration) {
            lines.add("response " + response.stopReason() + " " + response.usage().map(Usage::totalTokens).orElse(-1L));
        }

        @Override
        public void onError(ChatCall call, Throwable error, Duration duration) {
            lines.add("error " + error.getClass().getSimpleName()
                    + (error instanceof LlamaApiException e ? " " + e.status() : ""));
        }
    }

    private LlamaClient client(ChatListener... listeners) {
        LlamaClient.Builder b = LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY)
                .sleeper(new RecordingSleeper());
        for (ChatListener l : listeners) {
            b.listener(l);
        }
        return b.build();
    }

    private static ChatRequest ask() {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user("hello")).build();
    }

    @Test
    void reportsRequestRetryAndResponse() {
        Recorder r = new Recorder();
        extension.server().enqueue(ScriptedReply.status(503).withHeader("retry-after", "1"));
        extension.server().enqueue(ScriptedReply.text("hi").withUsage(3, 1));
        client(r).chat(ask());
        assertThat(r.lines).containsExactly("request Llama-3.3-8B-Instruct stream=false messages=1", "retry 1 HTTP 503 1000",
                "response STOP 4");
    }

    @Test
    void reportsStreamsWithFirstTokenAndErrorsWithStatus() throws Exception {
        Recorder r = new Recorder();
        LlamaClient client = client(r);
        extension.server().enqueue(ScriptedReply.text("streamed reply").withUsage(5, 2));
        try (ChatStream stream = client.stream(ask())) {
            stream.collect();
        }
        assertThat(r.lines).containsExactly("request Llama-3.3-8B-Instruct stream=true messages=1", "first-token", "response STOP 7");

        r.lines.clear();
        extension.server().enqueue(ScriptedReply.status(401));
        assertThatThrownBy(() -> client.chat(ask())).isInstanceOf(AuthenticationException.class);
        assertThat(r.lines).containsExactly("request Llama-3.3-8B-Instruct stream=false messages=1", "error AuthenticationException 401");

        r.lines.clear();
        extension.server().enqueue(ScriptedReply.status(422));
        assertThatThrownBy(() -> client.chatAsync(ask()).get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(UnprocessableEntityException.class);
        assertThat(r.lines).containsExactly("request Llama-3.3-8B-Instruct stream=false messages=1", "error UnprocessableEntityException 422");
    }

    @Test
    void aStreamClosedEarlyIsReportedAsCancelled() {
        Recorder r = new Recorder();
        extension.server().enqueue(ScriptedReply.text("one two three four"));
        try (ChatStream stream = client(r).stream(ask())) {
            stream.iterator().next();
        }
        assertThat(r.lines).last().isEqualTo("error " + CancellationException.class.getSimpleName());
    }

    @Test
    void aThrowingListenerNeverBreaksTheCall() {
        Recorder after = new Recorder();
        ChatListener broken = new ChatListener() {
            @Override
            public void onRequest(ChatCall call, ChatRequest request) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onResponse(ChatCall call, ChatResponse response, Duration duration) {
                throw new IllegalStateException("listener bug");
            }
        };
        assertThat(client(broken, after).chat(ask()).text()).isEqualTo("Echo: hello");
        assertThat(after.lines).hasSize(2);
    }

    @Test
    void theLoggingListenerLogsOneLinePerCallWithoutContent() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.llamakit.chat");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        Level previous = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            extension.server().enqueue(ScriptedReply.text("secret answer").withUsage(7, 2));
            client(new LoggingChatListener()).chat(ask());
            extension.server().enqueue(ScriptedReply.status(400));
            assertThatThrownBy(() -> client(new LoggingChatListener()).chat(ask())).isInstanceOf(BadRequestException.class);
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(previous);
        }
        assertThat(appender.list).hasSize(2);
        assertThat(appender.list.get(0).getFormattedMessage()).contains("model=Llama-3.3-8B-Instruct").contains("stop=STOP")
                .contains("7+2 tokens").doesNotContain("secret answer").doesNotContain("hello");
        assertThat(appender.list.get(1).getLevel()).isEqualTo(Level.WARN);
        assertThat(appender.list.get(1).getFormattedMessage()).contains("HTTP 400");
    }
}
