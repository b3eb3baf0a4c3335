package dev.llamakit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, items 2 and 3: one system message per request whatever the transcript holds, and one turn per conversation
 * id (not per {@link Conversation} object), with no paid reply lost.
 */
class ConversationOneTurnPerIdTest {
    static final String MODEL = "Llama-3.3-8B-Instruct";
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

    ChatModel echo() {
        return request -> {
            requests.add(request);
            String last = request.messages().get(request.messages().size() - 1).text();
            return ChatResponse.builder().message(new AssistantMessage("echo: " + last, List.of(), StopReason.STOP))
                    .usage(new Usage(10, 2, 12)).build();
        };
    }

    static List<Long> seqsOf(ConversationStore store, String id) {
        return store.load(id).entries().stream().map(TranscriptEntry::seq).toList();
    }

    @Test
    void aRecordedSystemMessageIsFoldedIntoTheOneSystemMessageAtTheHead() {
        Conversation chat = Conversation.builder(echo()).model(MODEL).systemPrompt("Be brief.").build();
        chat.send("hello");
        chat.record(List.of(Message.system("From now on, answer in French.")));
        chat.send("how are you?");
        List<Message> sent = requests.get(1).messages();
        assertThat(sent.get(0)).isInstanceOf(SystemMessage.class);
        assertThat(sent.get(0).text()).isEqualTo("Be brief.\n\nFrom now on, answer in French.");
        assertThat(sent.subList(1, sent.size())).noneMatch(m -> m instanceof SystemMessage);
        assertThat(sent.stream().map(Message::text).toList()).containsExactly(sent.get(0).text(), "hello", "echo: hello",
                "how are you?");
        assertThat(chat.transcript().get(2).message()).as("the transcript keeps it where it was recorded")
                .isEqualTo(Message.system("From now on, answer in French."));
    }

    @Test
    void aStaleConversationObjectConflictsBeforeCallingTheModelAndThenContinues() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        Conversation first = Conversation.builder(echo()).model(MODEL).store(store).id("shared").build();
        Conversation second = Conversation.builder(echo()).model(MODEL).store(store).id("shared").build();
        first.send("from the first object");
        assertThat(requests).hasSize(1);

        assertThatThrownBy(() -> second.send("from the second object"))
                .isInstanceOfSatisfying(ConversationConflictException.class, e -> {
                    assertThat(e.conversationId()).isEqualTo("shared");
                    assertThat(e.seq()).isEqualTo(0);
                    assertThat(e.nextSeq()).isEqualTo(2);
                });
        assertThat(requests).as("no call was paid for on a stale history").hasSize(1);
        assertThat(store.load("shared").get(2).message().text()).isEqualTo("from the second object");
        assertThat(store.load("shared").get(2).has(EntryFlag.UNANSWERED)).isTrue();
        assertThat(second.transcript().entries()).isEqualTo(store.load("shared").entries());

        second.send("again");
        assertThat(requests.get(1).messages().stream().map(Message::text).toList())
                .containsExactly("from the first object", "echo: from the first object", "again");
        assertThat(seqsOf(store, "shared")).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThatThrownBy(() -> first.send("stale again")).isInstanceOf(ConversationConflictException.class);
    }

    @Test
    void aWriterThatAppendsDuringTheCallCostsTheReplyItsPlaceButNotTheCaller() throws Exception {
        InMemoryConversationStore store = new InMemoryConversationStore();
        CountDownLatch called = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        ChatModel slow = request -> {
            called.countDown();
            try {
                assertThat(proceed.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return ChatResponse.builder().message(AssistantMessage.of("the slow reply")).stopReason(StopReason.STOP).build();
        };
        Conversation a = Conversation.builder(slow).model(MODEL).store(store).id("race").build();
        Conversation b = Conversation.builder(echo()).model(MODEL).store(store).id("race").build();
        CompletableFuture<ChatResponse> pending = CompletableFuture.supplyAsync(() -> a.send("question A"));
        assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();
        b.send("question B");
        proceed.countDown();

        assertThatThrownBy(pending::join).hasCauseInstanceOf(ReplyNotRecordedException.class).cause()
                .isInstanceOfSatisfying(ReplyNotRecordedException.class, e -> {
                    assertThat(e.reply().text()).isEqualTo("the slow reply");
                    assertThat(e.isConflict()).isTrue();
                    assertThat(e.getCause()).isInstanceOf(ConversationConflictException.class);
                    assertThat(e.unansweredRecorded()).isTrue();
                });
        Transcript stored = store.load("race");
        assertThat(stored.entries()).extracting(x -> x.message().text())
                .containsExactly("question B", "echo: question B", "question A");
        assertThat(stored.get(2).has(EntryFlag.UNANSWERED)).isTrue();
        assertThat(a.transcript().entries()).isEqualTo(stored.entries());
    }

    @Test
    void aStoreThatFailsAfterTheReplyStillHandsTheReplyOver() {
        InMemoryConversationStore memory = new InMemoryConversationStore();
        ConversationStore failing = new ConversationStore() {
            int appends;

            @Override
            public void append(String conversationId, List<TranscriptEntry> entries) {
                if (++appends == 1) {
                    throw new UncheckedIOException(new java.io.IOException("disk full"));
                }
                memory.append(conversationId, entries);
            }

            @Override
            public Transcript load(String conversationId) {
                return memory.load(conversationId);
            }

            @Override
            public List<TranscriptEntry> loadLast(String conversationId, int count) {
                return memory.loadLast(conversationId, count);
            }

            @Override
            public java.util.Optional<String> getState(String conversationId, String key) {
                return memory.getState(conversationId, key);
            }

            @Override
            public void putState(String conversationId, String key, String value) {
                memory.putState(conversationId, key, value);
            }

            @Override
            public java.util.Set<String> conversationIds() {
                return memory.conversationIds();
            }
        };
        Conversation chat = Conversation.builder(echo()).model(MODEL).store(failing).id("c").build();
        assertThatThrownBy(() -> chat.send("hello")).isInstanceOfSatisfying(ReplyNotRecordedException.class, e -> {
            assertThat(e.reply().text()).isEqualTo("echo: hello");
            assertThat(e.isConflict()).isFalse();
            assertThat(e.getCause()).isInstanceOf(UncheckedIOException.class);
            assertThat(e.unansweredRecorded()).isTrue();
        });
        assertThat(memory.load("c").entries()).singleElement().satisfies(e -> {
            assertThat(e.message().text()).isEqualTo("hello");
            assertThat(e.has(EntryFlag.UNANSWERED)).isTrue();
        });
    }

    @Test
    void theInMemoryStoreReportsItsHeadAndATypedConflict() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        assertThat(store.head("x")).isEqualTo(-1);
        store.append("x", List.of(TranscriptEntry.of(0, Message.user("a"), java.time.Instant.EPOCH)));
        assertThat(store.head("x")).isEqualTo(0);
        assertThatThrownBy(() -> store.append("x", List.of(TranscriptEntry.of(0, Message.user("b"), java.time.Instant.EPOCH))))
                .isInstanceOfSatisfying(ConversationConflictException.class, e -> {
                    assertThat(e.seq()).isZero();
                    assertThat(e.nextSeq()).isEqualTo(1);
                });
    }
}
