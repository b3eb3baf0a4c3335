package dev.llamakit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ContentPart;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.Usage;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.ConversationConflictException;
import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ConversationStore} keeps. Extend it and return a fresh, empty store from
 * {@link #newStore()}; a durable store also overrides {@link #reopen(ConversationStore)}.
 */
public abstract class ConversationStoreContract {
    private static final Instant T = Instant.parse("2026-03-01T10:15:30.123456789Z");
    private final List<ConversationStore> opened = new ArrayList<>();

    /** A new, empty store. */
    protected abstract ConversationStore newStore();

    /** Closes {@code store} and opens it again on the same data; in-memory stores return it as is. */
    protected ConversationStore reopen(ConversationStore store) {
        return store;
    }

    private ConversationStore store() {
        ConversationStore s = newStore();
        opened.add(s);
        return s;
    }

    private ConversationStore again(ConversationStore s) {
        ConversationStore r = reopen(s);
        opened.add(r);
        return r;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(ConversationStore::close);
    }

    /** Every kind of entry: text, images, tool calls with odd arguments, tool results, flags, usage, empty text. */
    protected static List<TranscriptEntry> richEntries() {
        return List.of(
                new TranscriptEntry(0, Message.user("Hello, I'm Ada \u2014 \u4f60\u597d \ud83d\ude00"), T, Set.of(EntryFlag.PINNED), null),
                new TranscriptEntry(1, new AssistantMessage("", List.of(
                        new ToolCall("call-1", "lookup", "{\"q\":\"line\\nbreak\"}"),
                        new ToolCall("call-2", "calendar", "not json {")), StopReason.TOOL_CALLS), T.plusSeconds(1), Set.of(),
                        new Usage(12, 3, 15)),
                new TranscriptEntry(2, Message.tool("call-1", "{\"rows\":[1,2]}"), T.plusSeconds(2), Set.of(), null),
                new TranscriptEntry(3, Message.tool("call-2", ""), T.plusSeconds(3), Set.of(), null),
                new TranscriptEntry(4, new UserMessage(List.of(ContentPart.text("And this picture?"),
                        ContentPart.imageUrl("https://example.org/cat.jpg"))), T.plusSeconds(4), Set.of(EntryFlag.IMPORTANT), null),
                new TranscriptEntry(5, new AssistantMessage("A cat.", List.of(), StopReason.LENGTH), T.plusSeconds(5), Set.of(),
                        new Usage(40, 2, 42)),
                new TranscriptEntry(6, Message.user("Are you there?"), T.plusSeconds(6), Set.of(EntryFlag.UNANSWERED), null),
                new TranscriptEntry(7, Message.system("late system note"), T.plusSeconds(7), Set.of(), null));
    }

    @Test
    @DisplayName("round-trips every kind of entry exactly, also after reopening")
    void roundTrips() {
        ConversationStore store = store();
        store.append("c1", richEntries().subList(0, 4));
        store.append("c1", richEntries().subList(4, 8));
        assertThat(store.load("c1").entries()).isEqualTo(richEntries());
        assertThat(again(store).load("c1").entries()).isEqualTo(richEntries());
    }

    @Test
    @DisplayName("an unknown conversation is empty")
    void unknownIsEmpty() {
        ConversationStore store = store();
        assertThat(store.load("nobody").isEmpty()).isTrue();
        assertThat(store.loadLast("nobody", 3)).isEmpty();
        assertThat(store.getState("nobody", "k")).isEmpty();
    }

    @Test
    @DisplayName("loads the last n entries in order")
    void loadsLast() {
        ConversationStore store = store();
        store.append("c", richEntries());
        assertThat(store.loadLast("c", 3)).isEqualTo(richEntries().subList(5, 8));
        assertThat(store.loadLast("c", 100)).isEqualTo(richEntries());
        assertThat(store.loadLast("c", 0)).isEmpty();
    }

    @Test
    @DisplayName("rejects entries whose numbering does not continue the transcript, storing none of them")
    void rejectsGaps() {
        ConversationStore store = store();
        store.append("c", richEntries().subList(0, 2));
        assertThatThrownBy(() -> store.append("c", richEntries().subList(3, 5)))
                .isInstanceOfSatisfying(ConversationConflictException.class, e -> {
                    assertThat(e.conversationId()).isEqualTo("c");
                    assertThat(e.seq()).isEqualTo(3);
                    assertThat(e.nextSeq()).isEqualTo(2);
                });
        assertThatThrownBy(() -> store.append("c", List.of(richEntries().get(2), richEntries().get(4))))
                .isInstanceOf(ConversationConflictException.class);
        assertThatThrownBy(() -> store.append("c", richEntries().subList(0, 1)))
                .as("a second writer that read the same transcript").isInstanceOf(ConversationConflictException.class);
        assertThat(store.load("c").size()).isEqualTo(2);
        store.append("c", richEntries().subList(2, 8));
        assertThat(again(store).load("c").entries()).isEqualTo(richEntries());
    }

    @Test
    @DisplayName("reports its head (the last seq, -1 when empty), also after reopening")
    void reportsItsHead() {
        ConversationStore store = store();
        assertThat(store.head("c")).isEqualTo(-1);
        store.append("c", richEntries().subList(0, 3));
        assertThat(store.head("c")).isEqualTo(2);
        store.append("c", richEntries().subList(3, 8));
        assertThat(store.head("c")).isEqualTo(7);
        assertThat(store.head("other")).isEqualTo(-1);
        assertThat(again(store).head("c")).isEqualTo(7);
    }

    @Test
    @DisplayName("keeps conversations apart and lists them")
    void separatesConversations() {
        ConversationStore store = store();
        store.append("a", richEntries().subList(0, 1));
        store.append("b", richEntries().subList(0, 2));
        assertThat(store.load("a").size()).isEqualTo(1);
        assertThat(store.load("b").size()).isEqualTo(2);
        assertThat(again(store).conversationIds()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    @DisplayName("stores strategy state beside the messages, last write wins, durable")
    void storesState() {
        ConversationStore store = store();
        store.append("c", richEntries().subList(0, 1));
        store.putState("c", "summary", "first");
        store.putState("c", "summary", "second \u2014 with\nnew lines and \"quotes\"");
        store.putState("c", "covered-up-to", "41");
        ConversationStore reopened = again(store);
        assertThat(reopened.getState("c", "summary")).contains("second \u2014 with\nnew lines and \"quotes\"");
        assertThat(reopened.getState("c", "covered-up-to")).contains("41");
        assertThat(reopened.stateOf("c").get("summary")).contains("second \u2014 with\nnew lines and \"quotes\"");
        assertThat(reopened.getState("other", "summary")).isEmpty();
    }

    @Test
    @DisplayName("many threads appending to many conversations lose nothing")
    void concurrentAppends() throws Exception {
        ConversationStore store = store();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                String id = "conv-" + c;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        store.append(id, List.of(new TranscriptEntry(i, Message.user("message " + i), T, Set.of(), null)));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        ConversationStore reopened = again(store);
        for (int c = 0; c < 8; c++) {
            Transcript t = reopened.load("conv-" + c);
            assertThat(t.size()).isEqualTo(25);
            assertThat(t.get(24).message().text()).isEqualTo("message 24");
        }
    }
}
