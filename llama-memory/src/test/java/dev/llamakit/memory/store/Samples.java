package dev.llamakit.memory.store;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ContentPart;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.Usage;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.TranscriptEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/** Test data and helpers for the file store tests. */
final class Samples {
    static final Instant T = Instant.parse("2026-03-01T10:15:30.123456789Z");

    private Samples() {
    }

    /** Eight entries of every kind, seq 0..7. */
    static List<TranscriptEntry> entries() {
        return List.of(
                new TranscriptEntry(0, Message.user("Hello, I'm Ada \u2014 \u4f60\u597d \ud83d\ude00"), T, Set.of(EntryFlag.PINNED), null),
                new TranscriptEntry(1, new AssistantMessage("", List.of(
                        new ToolCall("call-1", "lookup", "{\"q\":\"line\\nbreak\"}"),
                        new ToolCall("call-2", "calendar", "not json {")), StopReason.TOOL_CALLS), T.plusNanos(1), Set.of(),
                        new Usage(12, 3, 15)),
                new TranscriptEntry(2, Message.tool("call-1", "{\"rows\":[1,2]}"), T.plusSeconds(2), Set.of(), null),
                new TranscriptEntry(3, Message.tool("call-2", ""), T.plusSeconds(3), Set.of(), null),
                new TranscriptEntry(4, new UserMessage(List.of(ContentPart.text("And this picture?"),
                        ContentPart.imageUrl("https://example.org/cat.jpg"),
                        ContentPart.imageUrl("data:image/png;base64,iVBORw0KGgo="))), T.plusSeconds(4),
                        Set.of(EntryFlag.IMPORTANT, EntryFlag.PINNED), null),
                new TranscriptEntry(5, new AssistantMessage("A cat.\n\"Quoted\"\ttab", List.of(), StopReason.LENGTH),
                        T.plusSeconds(5), Set.of(), new Usage(40, 2, 42)),
                new TranscriptEntry(6, Message.user("Are you there?"), T.plusSeconds(6), Set.of(EntryFlag.UNANSWERED), null),
                new TranscriptEntry(7, Message.system("late system note"), T.plusSeconds(7), Set.of(), null));
    }

    /** {@code count} plain user/assistant entries from {@code first}. */
    static List<TranscriptEntry> chat(long first, int count) {
        List<TranscriptEntry> list = new ArrayList<>(count);
        for (long seq = first; seq < first + count; seq++) {
            Message m = seq % 2 == 0 ? Message.user("question " + seq) : AssistantMessage.of("answer " + seq);
            list.add(TranscriptEntry.of(seq, m, T.plusMillis(seq)));
        }
        return list;
    }

    /** The files in a store's directory, without its {@code LOCK} file. */
    static List<java.nio.file.Path> filesIn(java.nio.file.Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().equals(FileConversationStore.LOCK_FILE)).toList();
        }
    }

    /** Captures the store's log events until {@link Capture#close()}. */
    static Capture captureLog() {
        return new Capture();
    }

    static final class Capture implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger(FileConversationStore.class);
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        Capture() {
            appender.start();
            logger.addAppender(appender);
            logger.setAdditive(false); // keep the expected warnings off the console
        }

        List<ILoggingEvent> events() {
            return List.copyOf(appender.list);
        }

        List<String> warnings() {
            return appender.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            logger.setAdditive(true);
        }
    }
}
