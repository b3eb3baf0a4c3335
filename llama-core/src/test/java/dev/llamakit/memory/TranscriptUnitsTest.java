package dev.llamakit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ToolCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Transcript#units()}: what may go into a request, in groups that are kept or dropped whole. */
class TranscriptUnitsTest {
    static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    /** Builds a transcript from messages; a message wrapped by {@link #unanswered} gets the flag. */
    static Transcript transcript(Object... items) {
        List<TranscriptEntry> entries = new ArrayList<>();
        for (Object item : items) {
            long seq = entries.size();
            if (item instanceof Unanswered u) {
                entries.add(new TranscriptEntry(seq, u.message(), T, Set.of(EntryFlag.UNANSWERED), null));
            } else {
                entries.add(TranscriptEntry.of(seq, (Message) item, T));
            }
        }
        return Transcript.of(entries);
    }

    record Unanswered(Message message) {
    }

    static Unanswered unanswered(String text) {
        return new Unanswered(Message.user(text));
    }

    static AssistantMessage calls(String... ids) {
        List<ToolCall> list = new ArrayList<>();
        for (String id : ids) {
            list.add(new ToolCall(id, "lookup", "{\"id\":\"" + id + "\"}"));
        }
        return AssistantMessage.ofToolCalls(list);
    }

    /** The units as lists of seqs. */
    static List<List<Long>> seqs(Transcript t) {
        return t.units().stream().map(u -> u.stream().map(TranscriptEntry::seq).toList()).toList();
    }

    @Test
    void groupsAToolCallWithAllItsResultsAndLeavesOtherMessagesAlone() {
        Transcript t = transcript(
                Message.user("weather in Paris and Rome?"),      // 0
                calls("c1", "c2"),                               // 1
                Message.tool("c2", "rain"),                      // 2: results may come in any order
                Message.tool("c1", "sun"),                       // 3
                Message.assistant("Paris: sun, Rome: rain."),    // 4
                Message.user("and Oslo?"),                       // 5
                calls("c3"),                                     // 6
                Message.tool("c3", "ok"));                       // 7
        assertThat(seqs(t)).containsExactly(List.of(0L), List.of(1L, 2L, 3L), List.of(4L), List.of(5L), List.of(6L, 7L));
        assertThat(t.units()).allSatisfy(u -> assertThatThrownBy(() -> u.add(u.get(0)))
                .isInstanceOf(UnsupportedOperationException.class));
    }

    @Test
    void dropsToolResultsWithoutTheirCall() {
        Transcript t = transcript(
                Message.tool("c0", "from nowhere"),              // 0: no call before it
                Message.user("hi"),                              // 1
                Message.tool("c1", "after a user turn"),         // 2
                Message.assistant("hello"),                      // 3
                Message.tool("c1", "after a plain reply"),       // 4
                calls("c2"),                                     // 5
                Message.tool("c2", "ok"),                        // 6
                Message.user("next"),                            // 7
                Message.tool("c2", "after the block closed"));   // 8
        assertThat(seqs(t)).containsExactly(List.of(1L), List.of(3L), List.of(5L, 6L), List.of(7L));
    }

    @Test
    void dropsToolResultsInsideABlockThatAnswerNoneOfItsCalls() {
        Transcript t = transcript(
                Message.user("go"),                              // 0
                calls("c1"),                                     // 1
                Message.tool("c9", "answers a call that was never made"), // 2
                Message.tool("c1", "ok"),                        // 3
                Message.tool("c1", "the same call answered twice"), // 4
                Message.assistant("done"));                      // 5
        assertThat(seqs(t)).containsExactly(List.of(0L), List.of(1L, 3L), List.of(5L));
    }

    @Test
    void dropsToolCallsThatDidNotGetAllTheirResults() {
        Transcript t = transcript(
                Message.user("two lookups"),                     // 0
                calls("c1", "c2"),                               // 1
                Message.tool("c1", "one"),                       // 2: c2 never answered (the tool loop was interrupted)
                Message.user("hello?"),                          // 3
                calls("c3"),                                     // 4: no results at all
                Message.assistant("sorry"),                      // 5
                calls("c4"));                                    // 6: the transcript ends mid-loop
        assertThat(seqs(t)).containsExactly(List.of(0L), List.of(3L), List.of(5L));
    }

    @Test
    void dropsUnansweredTurns() {
        Transcript t = transcript(
                Message.system("be brief"),                      // 0
                unanswered("the call failed"),                   // 1
                Message.user("again"),                           // 2
                Message.assistant("here"),                       // 3
                calls("c1"),                                     // 4
                unanswered("cut into the tool loop"),            // 5
                Message.tool("c1", "late result"));              // 6: its block was closed by the unanswered turn
        assertThat(seqs(t)).containsExactly(List.of(2L), List.of(3L));
    }

    @Test
    void theIssueExampleKeepsOnlyTheResultThatAnswersTheCallOnce() {
        // issue 14: user, calls(c1), tool(c9), tool(c1), tool(c1), assistant, user
        Transcript t = transcript(Message.user("go"), calls("c1"), Message.tool("c9", "stray"), Message.tool("c1", "ok"),
                Message.tool("c1", "again"), Message.assistant("done"), Message.user("next"));
        assertThat(seqs(t)).containsExactly(List.of(0L), List.of(1L, 3L), List.of(5L), List.of(6L));
        for (long after = -1; after < t.size(); after++) {
            long a = after;
            assertThat(t.unitsAfter(after).stream().map(u -> u.stream().map(TranscriptEntry::seq).toList()).toList()).isEqualTo(seqs(t).stream().filter(u -> u.get(0) > a).toList());
        }
    }

    @Test
    void systemEntriesAreFoldedIntoTheHeadSystemMessageAndNeverFormAUnit() {
        Transcript t = transcript(
                Message.system("Answer in French."),             // 0
                Message.user("weather?"),                        // 1
                calls("c1"),                                     // 2
                Message.system("Tools may be slow."),            // 3: recorded in the middle of a tool loop
                Message.tool("c1", "sun"),                       // 4
                Message.assistant("Soleil."),                    // 5
                Message.system("   "),                           // 6: blank: adds nothing
                Message.user("merci"));                          // 7
        assertThat(seqs(t)).containsExactly(List.of(1L), List.of(2L, 4L), List.of(5L), List.of(7L));
        assertThat(t.systemMessage(new dev.llamakit.chat.SystemMessage("Be brief.")).text())
                .isEqualTo("Be brief.\n\nAnswer in French.\n\nTools may be slow.");
        assertThat(t.systemMessage(null).text()).isEqualTo("Answer in French.\n\nTools may be slow.");
        Transcript plain = transcript(Message.user("hi"));
        dev.llamakit.chat.SystemMessage head = new dev.llamakit.chat.SystemMessage("Be brief.");
        assertThat(plain.systemMessage(head)).isSameAs(head);
        assertThat(plain.systemMessage(null)).isNull();
        MemoryInput input = new MemoryInput("c", head, t, dev.llamakit.tokens.ContextBudget.LLAMA_API,
                new dev.llamakit.tokens.EstimatingTokenCounter(), StrategyState.inMemory());
        assertThat(input.system().text()).startsWith("Be brief.").contains("Answer in French.", "Tools may be slow.");
        assertThat(new FullHistoryStrategy().select(input).messages())
                .filteredOn(m -> m instanceof dev.llamakit.chat.SystemMessage).singleElement().isSameAs(input.system());
    }

    /** unitsAfter is the tail of the one grouping, on random transcripts. */
    @Test
    void partialGroupingsAgreeWithTheWholeOnRandomTranscripts() {
        java.util.Random random = new java.util.Random(14);
        for (int round = 0; round < 400; round++) {
            List<TranscriptEntry> entries = new ArrayList<>();
            int n = 1 + random.nextInt(30);
            for (int i = 0; i < n; i++) {
                String id = "c" + random.nextInt(4);
                Message m = switch (random.nextInt(6)) {
                    case 0 -> Message.user("u" + i);
                    case 1 -> Message.assistant("a" + i);
                    case 2 -> random.nextBoolean() ? calls(id) : calls(id, "c" + (4 + random.nextInt(2)));
                    case 3, 4 -> Message.tool(random.nextInt(5) == 0 ? "c" + (4 + random.nextInt(2)) : id, "r" + i);
                    default -> Message.system("s" + i);
                };
                Set<EntryFlag> flags = random.nextInt(8) == 0 ? Set.of(EntryFlag.UNANSWERED)
                        : random.nextInt(5) == 0 ? Set.of(EntryFlag.PINNED) : Set.of();
                entries.add(new TranscriptEntry(i, m, T, flags, null));
            }
            Transcript whole = Transcript.of(entries);
            List<List<TranscriptEntry>> units = whole.units();
            for (long after = -1; after <= n; after++) {
                long a = after;
                assertThat(Transcript.of(entries).unitsAfter(after)).as("round %d after %d", round, after)
                        .isEqualTo(units.stream().filter(u -> u.get(0).seq() > a).toList());
            }
        }
    }

    @Test
    void anEmptyTranscriptHasNoUnits() {
        assertThat(Transcript.empty().units()).isEmpty();
        assertThat(transcript(unanswered("x")).units()).isEmpty();
    }

    @Test
    void aTranscriptIsNumberedFromZeroWithoutGaps() {
        TranscriptEntry first = TranscriptEntry.of(0, Message.user("a"), T);
        TranscriptEntry third = TranscriptEntry.of(2, Message.user("c"), T);
        assertThatThrownBy(() -> Transcript.of(List.of(first, third))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry 1 has seq 2");
        Transcript one = Transcript.of(List.of(first));
        assertThatThrownBy(() -> one.append(List.of(third))).isInstanceOf(IllegalArgumentException.class);
        Transcript two = one.append(List.of(TranscriptEntry.of(1, Message.assistant("b"), T)));
        assertThat(two.size()).isEqualTo(2);
        assertThat(one.size()).as("append returns a new transcript").isEqualTo(1);
        assertThat(Transcript.ofMessages(List.of(Message.user("x"), Message.assistant("y"))).entries())
                .extracting(TranscriptEntry::seq).containsExactly(0L, 1L);
    }
}
