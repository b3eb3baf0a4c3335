package dev.llamakit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.StopReason;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.tokens.ContextBudget;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, item 4: with llama-memory on the classpath, a {@link Conversation} built without {@code memory(...)} uses
 * {@code sliding-window}, as docs/memory.md says, and so keeps going where full history fails.
 */
class ConversationDefaultMemoryTest {
    /** MemoryTokenReport's budget: 7,168 prompt tokens. */
    static final ContextBudget BUDGET = new ContextBudget(8_192, 1_024);

    static final ChatModel MODEL = request -> ChatResponse.builder()
            .message(new AssistantMessage("Noted. " + "Here is a fairly long answer with details. ".repeat(12), java.util.List.of(),
                    StopReason.STOP)).build();

    static String turn(int t) {
        return "Turn " + t + ": please keep these notes about the project. " + "The plan has several parts. ".repeat(10);
    }

    @Test
    void theDefaultIsSlidingWindowAndALongScriptRunsToTheEnd() {
        assertThat(System.getProperty(MemoryStrategies.DEFAULT_PROPERTY)).isNull();
        Conversation chat = Conversation.builder(MODEL).model("m").systemPrompt("Be brief.").budget(BUDGET).build();
        assertThat(chat.memory().name()).isEqualTo("sliding-window");
        for (int t = 0; t < 100; t++) {
            chat.send(turn(t));
        }
        assertThat(chat.transcript().size()).isEqualTo(200);
        assertThat(chat.lastContext().orElseThrow().messages()).hasSize(11);
    }

    @Test
    void theSameScriptOutgrowsFullHistory() {
        Conversation chat = Conversation.builder(MODEL).model("m").systemPrompt("Be brief.").budget(BUDGET)
                .memory(new FullHistoryStrategy()).build();
        assertThatThrownBy(() -> {
            for (int t = 0; t < 100; t++) {
                chat.send(turn(t));
            }
        }).isInstanceOf(ContextTooLargeException.class);
        assertThat(chat.transcript().size()).as("it fails well before the end").isLessThan(100);
        assertThat(chat.transcript().get(chat.transcript().size() - 1).has(EntryFlag.UNANSWERED)).isTrue();
    }
}
