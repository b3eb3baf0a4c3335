package dev.llamakit.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ContentPart;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.UserMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EstimatingTokenCounterTest {
    final EstimatingTokenCounter counter = new EstimatingTokenCounter();

    @Test
    void estimatesTextFromBytesOrWordsWhicheverIsLarger() {
        assertThat(counter.count("")).isZero();
        assertThat(counter.count((String) null)).isZero();
        assertThat(counter.count("abcd")).isEqualTo(1);
        assertThat(counter.count("abcde")).isEqualTo(2);
        // short words: one token per word or punctuation mark beats bytes / 4
        assertThat(counter.count("a b c d e f, g.")).isEqualTo(9);
        // CJK: three UTF-8 bytes per character, one "word"
        assertThat(counter.count("\u4f60\u597d\u4e16\u754c")).isEqualTo(3);
        assertThat(counter.count("supercalifragilisticexpialidocious")).isEqualTo(9);
    }

    @Test
    void everyMessageCarriesTheTemplateOverhead() {
        Message system = Message.system("Be brief.");
        assertThat(counter.count(system)).isEqualTo(counter.count("Be brief.") + EstimatingTokenCounter.MESSAGE_OVERHEAD);
        assertThat(counter.count(Message.system(""))).isEqualTo(EstimatingTokenCounter.MESSAGE_OVERHEAD);
        assertThat(counter.count(List.of(system, system))).isEqualTo(2 * counter.count(system));
        assertThat(counter.count(List.of())).isZero();
    }

    @Test
    void toolCallJsonCountsSoAReplyWithToolCallsCostsMoreThanItsText() {
        AssistantMessage plain = new AssistantMessage("Let me check.", List.of(), StopReason.STOP);
        AssistantMessage small = new AssistantMessage("Let me check.",
                List.of(new ToolCall("call_1", "weather", "{\"city\":\"Paris\"}")), StopReason.TOOL_CALLS);
        AssistantMessage big = new AssistantMessage("Let me check.",
                List.of(new ToolCall("call_1", "weather", "{\"city\":\"Paris\",\"days\":[1,2,3,4,5,6,7],\"units\":\"metric\","
                        + "\"fields\":[\"temperature\",\"humidity\",\"wind\",\"pressure\"]}")), StopReason.TOOL_CALLS);
        AssistantMessage two = new AssistantMessage("Let me check.", List.of(
                new ToolCall("call_1", "weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_2", "weather", "{\"city\":\"Rome\"}")), StopReason.TOOL_CALLS);
        assertThat(counter.count(small)).isGreaterThan(counter.count(plain));
        assertThat(counter.count(big)).isGreaterThan(counter.count(small));
        assertThat(counter.count(two)).isGreaterThan(counter.count(small));
        // a reply with only tool calls and no text is not free
        AssistantMessage onlyCalls = AssistantMessage.ofToolCalls(List.of(new ToolCall("call_1", "weather", "{\"city\":\"Paris\"}")));
        assertThat(counter.count(onlyCalls)).isGreaterThan(EstimatingTokenCounter.MESSAGE_OVERHEAD + 5);
        // invalid JSON arguments are counted as text, not rejected
        AssistantMessage broken = AssistantMessage.ofToolCalls(List.of(new ToolCall("c", "f", "{not json")));
        assertThat(counter.count(broken)).isGreaterThan(EstimatingTokenCounter.MESSAGE_OVERHEAD);
        // the tool result's call id counts too
        assertThat(counter.count(Message.tool("call_123456789", "sunny"))).isGreaterThan(counter.count(Message.system("sunny")));
    }

    @Test
    void imagesCostAFixedAmountEach() {
        UserMessage text = UserMessage.of("What is this?");
        UserMessage one = new UserMessage(List.of(ContentPart.text("What is this?"), ContentPart.imageUrl("https://example.org/a.png")));
        UserMessage two = new UserMessage(List.of(ContentPart.text("What is this?"), ContentPart.imageUrl("https://example.org/a.png"),
                ContentPart.imageUrl("data:image/png;base64," + "A".repeat(100_000))));
        assertThat(counter.count(one) - counter.count(text)).isEqualTo(EstimatingTokenCounter.IMAGE_TOKENS);
        // an inline image costs the same as a linked one: its base64 is not text
        assertThat(counter.count(two) - counter.count(text)).isEqualTo(2 * EstimatingTokenCounter.IMAGE_TOKENS);
    }

    @Test
    void theCacheGivesTheSameAnswerForTheSameAndForEqualMessages() {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(20_000);
        Message big = Message.user(text);
        int first = counter.count(big);
        assertThat(first).isEqualTo(EstimatingTokenCounter.rawText(text) + EstimatingTokenCounter.MESSAGE_OVERHEAD);
        assertThat(counter.count(big)).isEqualTo(first);
        assertThat(counter.count(Message.user(new String(text)))).isEqualTo(first);
        assertThat(new EstimatingTokenCounter().count(big)).isEqualTo(first);
        // a different message is not confused with it
        assertThat(counter.count(Message.user(text + " And more."))).isGreaterThan(first);
        assertThat(counter.count(Message.system(text))).isEqualTo(first);
    }

    @Test
    void calibrationMovesTowardTheReportedRatioAndIsClamped() {
        List<Message> request = List.of(Message.system("You are terse."), Message.user("What is the capital of France?"));
        int raw = counter.count(request);
        assertThat(counter.ratio()).isEqualTo(1.0);

        counter.calibrate(request, Math.round(raw * 1.5));
        assertThat(counter.ratio()).isGreaterThan(1.0).isLessThan(1.5);
        double previous = 0;
        for (int i = 0; i < 40; i++) {
            previous = counter.ratio();
            counter.calibrate(request, Math.round(raw * 1.5));
            assertThat(counter.ratio()).isGreaterThanOrEqualTo(previous - 1e-9);
        }
        assertThat(counter.ratio()).isCloseTo(1.5, within(0.02));
        assertThat(counter.count(request)).isCloseTo((int) Math.round(raw * 1.5), within(1));
        assertThat(counter.count(request.get(1))).isGreaterThan(new EstimatingTokenCounter().count(request.get(1)));

        // a wild report is clamped: never more than 2x, never less than 0.5x
        EstimatingTokenCounter high = new EstimatingTokenCounter();
        EstimatingTokenCounter low = new EstimatingTokenCounter();
        for (int i = 0; i < 100; i++) {
            high.calibrate(request, raw * 50L);
            low.calibrate(request, 1);
        }
        assertThat(high.ratio()).isLessThanOrEqualTo(2.0).isCloseTo(2.0, within(0.01));
        assertThat(low.ratio()).isGreaterThanOrEqualTo(0.5).isCloseTo(0.5, within(0.01));

        // nothing to learn from: no change
        EstimatingTokenCounter unchanged = new EstimatingTokenCounter();
        unchanged.calibrate(request, 0);
        unchanged.calibrate(List.of(), 100);
        assertThat(unchanged.ratio()).isEqualTo(1.0);
    }

    @Test
    void manyThreadsCountingAndCalibratingAgreeWithOneThread() throws Exception {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) { // more than the cache holds, so entries are evicted while others read
            messages.add(i % 3 == 0 ? Message.user("question number " + i + " about " + "topic ".repeat(i % 17))
                    : i % 3 == 1 ? AssistantMessage.ofToolCalls(List.of(new ToolCall("c" + i, "lookup", "{\"n\":" + i + "}")))
                    : Message.tool("c" + (i - 1), "result " + i));
        }
        EstimatingTokenCounter reference = new EstimatingTokenCounter();
        int[] expected = new int[messages.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = reference.count(messages.get(i));
        }
        EstimatingTokenCounter shared = new EstimatingTokenCounter();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t * 1_237;
                results.add(pool.submit(() -> {
                    int mismatches = 0;
                    for (int k = 0; k < messages.size(); k++) {
                        int i = (k + offset) % messages.size();
                        if (shared.count(messages.get(i)) != expected[i]) { // the ratio stays 1.0: reported == estimate
                            mismatches++;
                        }
                        if (k % 500 == 0) {
                            shared.calibrate(List.of(messages.get(i)), expected[i]);
                        }
                    }
                    return mismatches;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(shared.ratio()).isEqualTo(1.0);
    }
}
