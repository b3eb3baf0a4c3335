package dev.llamakit.memory.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.memory.Conversation;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@link Conversation} on a file store survives closing the store and continues where it stopped. */
class ConversationResumeTest {
    static final String MODEL = "Llama-3.3-8B-Instruct";

    @TempDir
    Path dir;

    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    final AtomicBoolean fail = new AtomicBoolean();

    /** Echoes the last user message; fails while {@link #fail} is set. */
    final ChatModel model = request -> {
        requests.add(request);
        if (fail.get()) {
            throw new IllegalStateException("the model is down");
        }
        Message last = request.messages().get(request.messages().size() - 1);
        return ChatResponse.builder()
                .message(new AssistantMessage("echo: " + last.text(), List.of(), StopReason.STOP))
                .usage(new Usage(10 * request.messages().size(), 3, 10 * request.messages().size() + 3))
                .build();
    };

    Conversation conversation(FileConversationStore store) {
        return Conversation.builder(model).model(MODEL).id("user-7/chat").systemPrompt("Be brief.").store(store).build();
    }

    @Test
    void aResumedConversationSeesItsHistoryAndContinuesTheNumbering() {
        Transcript before;
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            Conversation chat = conversation(store);
            chat.send("one");
            fail.set(true);
            assertThatThrownBy(() -> chat.send("lost")).hasMessageContaining("the model is down");
            fail.set(false);
            chat.send("two");
            chat.record(List.of(
                    AssistantMessage.ofToolCalls(List.of(new ToolCall("t1", "clock", "{}"))),
                    Message.tool("t1", "12:00")));
            before = chat.transcript();
            assertThat(before.size()).isEqualTo(7);
            assertThat(before.get(2).has(EntryFlag.UNANSWERED)).isTrue();
        }
        requests.clear();
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            Conversation chat = conversation(store);
            assertThat(chat.transcript().entries()).isEqualTo(before.entries());
            ChatResponse reply = chat.send("three");
            assertThat(reply.text()).isEqualTo("echo: three");
            assertThat(chat.transcript().size()).isEqualTo(9);
            assertThat(chat.transcript().get(7).seq()).isEqualTo(7);
            assertThat(chat.transcript().get(8).usage()).isEqualTo(new Usage(80, 3, 83));
            // the request carried the resumed history, without the unanswered turn
            assertThat(requests).singleElement().satisfies(r -> assertThat(r.messages()).extracting(Message::text)
                    .containsExactly("Be brief.", "one", "echo: one", "two", "echo: two", "", "12:00", "three"));
        }
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            Transcript t = store.load("user-7/chat");
            assertThat(t.size()).isEqualTo(9);
            assertThat(t.entries().subList(0, 7)).isEqualTo(before.entries());
            assertThat(store.loadLast("user-7/chat", 2)).extracting(e -> e.message().text())
                    .containsExactly("three", "echo: three");
        }
    }

    @Test
    void strategyStateIsPersistedBesideTheMessages() {
        MemoryStrategy counting = new MemoryStrategy() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public MemoryContext select(MemoryInput input) {
                int turns = Integer.parseInt(input.state().get("turns").orElse("0")) + 1;
                input.state().put("turns", Integer.toString(turns));
                List<Message> messages = new ArrayList<>();
                input.systemMessage().ifPresent(messages::add);
                List<Long> seqs = new ArrayList<>();
                for (List<TranscriptEntry> unit : input.transcript().units()) {
                    for (TranscriptEntry e : unit) {
                        messages.add(e.message());
                        seqs.add(e.seq());
                    }
                }
                return new MemoryContext(messages, seqs, 0, input.tokens().count(messages));
            }
        };
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            Conversation chat = Conversation.builder(model).model(MODEL).id("s").memory(counting).store(store).build();
            chat.send("a");
            chat.send("b");
        }
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            assertThat(store.getState("s", "turns")).contains("2");
            Conversation chat = Conversation.builder(model).model(MODEL).id("s").memory(counting).store(store).build();
            chat.send("c");
            assertThat(store.getState("s", "turns")).contains("3");
        }
    }
}
