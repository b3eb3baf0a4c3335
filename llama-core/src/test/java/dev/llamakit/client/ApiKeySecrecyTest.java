package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.llamakit.chat.Message;
import dev.llamakit.client.observe.LoggingChatListener;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Captures every log line at debug level across successes and failures: the API key never appears. */
class ApiKeySecrecyTest {
    static final String KEY = "sk-llama-SECRET-5f1e2d3c4b5a";
    static final String WRONG_KEY = "sk-llama-WRONG-0a9b8c7d6e";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger root;
    private Level previousLevel;

    @BeforeEach
    void captureAllLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        previousLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void restore() {
        root.detachAppender(appender);
        root.setLevel(previousLevel);
    }

    @Test
    void theKeyAppearsInNoLogLineExceptionOrToString() {
        List<String> output = new ArrayList<>();
        RecordingSleeper sleeper = new RecordingSleeper();
        LlamaClient client = LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).sleeper(sleeper)
                .listener(new LoggingChatListener()).build();
        ChatRequest request = ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user("hi")).build();

        output.add(client.chat(request).toString());
        output.add(client.models().toString());
        output.add(client.toString());
        output.add(client.newBuilder().toString());

        extension.server().enqueue(ScriptedReply.status(429).withHeader("retry-after", "1"));
        extension.server().enqueue(ScriptedReply.status(500).withHeader("x-should-retry", "false"));
        output.add(describe(() -> client.chat(request)));
        extension.server().enqueue(ScriptedReply.malformedJson());
        output.add(describe(() -> client.chat(request)));
        extension.server().enqueue(ScriptedReply.dropConnection());
        extension.server().enqueue(ScriptedReply.dropConnection());
        extension.server().enqueue(ScriptedReply.dropConnection());
        output.add(describe(() -> client.chat(request)));
        extension.server().enqueue(ScriptedReply.text("slow").withDelay(Duration.ofSeconds(30)));
        output.add(describe(() -> client.chat(request, RequestOptions.builder().timeout(Duration.ofMillis(200)).maxRetries(0).build())));
        output.add(describe(() -> client.newBuilder().apiKey(WRONG_KEY).build().chat(request)));
        output.add(describe(() -> client.model("missing-model")));
        output.add(describe(() -> {
            try (ChatStream stream = client.stream(request)) {
                stream.collect();
            }
        }));
        extension.server().enqueue(ScriptedReply.status(401));
        output.add(describe(() -> client.stream(request)));
        output.add(extension.server().requests().toString());

        List<String> logLines = new ArrayList<>();
        for (ILoggingEvent event : appender.list) {
            logLines.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                logLines.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        assertThat(logLines).as("debug log lines were produced").isNotEmpty();
        assertThat(logLines).anySatisfy(line -> assertThat(line).contains("POST").contains("/v1/chat/completions").contains("200"));
        assertThat(logLines).anySatisfy(line -> assertThat(line).contains("attempt 2"));
        assertThat(String.join("\n", logLines)).doesNotContain(KEY).doesNotContain(WRONG_KEY);
        assertThat(String.join("\n", output)).doesNotContain(KEY).doesNotContain(WRONG_KEY);
    }

    /**
     * Keys with a character the JDK refuses in a header: its own error would quote the whole header value,
     * {@code Bearer <key>}. The client refuses them at build time, in words that never show the key, whether the
     * key comes from the builder or from the environment.
     */
    @Test
    void aKeyThatCannotBeSentIsRefusedWithoutShowingIt() {
        List<String> oddKeys = List.of("sk-abc\u200Bdef-SECRETPART", "sk-abc\ndef-SECRETPART", "sk-abc def-SECRETPART",
                "sk-abc\u00e9def-SECRETPART", "sk-abc\u0000def-SECRETPART");
        List<String> output = new ArrayList<>();
        for (String odd : oddKeys) {
            Throwable fromBuilder = catchThrowable(() -> LlamaClient.builder().baseUrl(extension.server().baseUrl())
                    .listener(new LoggingChatListener()).apiKey(odd).build()
                    .chat(ChatRequest.builder().model("m").addMessage(Message.user("hi")).build()));
            assertThat(fromBuilder).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+");
            output.add(describe(fromBuilder));
            Throwable fromEnv = catchThrowable(() -> LlamaClient.builder().baseUrl(extension.server().baseUrl())
                    .environment(java.util.Map.of("LLAMA_API_KEY", odd)::get).build());
            assertThat(fromEnv).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LLAMA_API_KEY");
            output.add(describe(fromEnv));
            Throwable asHeader = catchThrowable(() -> LlamaClient.builder().secretHeader("api-key", odd));
            output.add(asHeader == null ? "accepted" : describe(asHeader)); // a space or U+00E9 is a legal header value
            Throwable perCall = catchThrowable(() -> RequestOptions.builder().header("x-token", odd));
            output.add(perCall == null ? "accepted" : describe(perCall));
        }
        assertThat(extension.server().requests()).as("nothing was sent").isEmpty();
        List<String> logLines = new ArrayList<>();
        for (ILoggingEvent event : appender.list) {
            logLines.add(event.getFormattedMessage());
        }
        String all = String.join("\n", output) + String.join("\n", logLines);
        assertThat(all).doesNotContain("SECRETPART").doesNotContain("sk-abc");
    }

    private static String describe(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return e + "\n" + trace;
    }

    private static String describe(Runnable call) {
        try {
            call.run();
            return "no exception";
        } catch (RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return e + "\n" + trace;
        }
    }
}
