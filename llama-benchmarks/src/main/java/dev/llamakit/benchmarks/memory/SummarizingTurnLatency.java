package dev.llamakit.benchmarks.memory;

import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.memory.Conversation;
import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.spi.ProviderOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The latency a user sees on a turn that summarizes, against a plain turn: not a JMH benchmark, a plain program that
 * prints a Markdown table.
 *
 * <pre>
 * java -cp llama-benchmarks/target/benchmarks.jar dev.llamakit.benchmarks.memory.SummarizingTurnLatency [replyMs] [summaryMs]
 * </pre>
 *
 * <p>It runs {@link MemoryTokenReport}'s scripted {@value MemoryTokenReport#TURNS}-turn conversation with the same
 * budget, but both fake models wait a fixed time before they answer: the conversation's model {@code replyMs}
 * (default 200 ms, a short reply from a hosted model) and the summarizer's model {@code summaryMs} (default 800 ms, a
 * summary of up to 7,424 tokens of transcript). Each turn's {@link Conversation#send} is timed with
 * {@link System#nanoTime()}; a turn is a summarizing turn when the summarizer's model was called during it. The
 * summary call runs inside {@code send}, before the reply's request, so a summarizing turn costs one summary call
 * more than a plain turn.
 */
public final class SummarizingTurnLatency {
    static final List<MemoryTokenReport.Variant> VARIANTS = List.of(
            new MemoryTokenReport.Variant("summarization", Map.of()),
            new MemoryTokenReport.Variant("summarization", Map.of("recent-tokens", "2000")),
            new MemoryTokenReport.Variant("hierarchical", Map.of()));

    private SummarizingTurnLatency() {
    }

    public static void main(String[] args) {
        long replyMs = args.length > 0 ? Long.parseLong(args[0]) : 200;
        long summaryMs = args.length > 1 ? Long.parseLong(args[1]) : 800;
        MemoryTokenReport.Script script = MemoryTokenReport.Script.of(MemoryTokenReport.TURNS, 7);
        System.out.printf(Locale.ROOT, "%d turns; the reply takes %d ms, a summary call %d ms.%n%n", script.size(), replyMs, summaryMs);
        System.out.println("| strategy (options) | plain turns | plain turn: median / p95 / max (ms) | summarizing turns "
                + "| summarizing turn: median / max (ms) |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (MemoryTokenReport.Variant v : VARIANTS) {
            run(v, script, replyMs, summaryMs);
        }
    }

    static void run(MemoryTokenReport.Variant v, MemoryTokenReport.Script script, long replyMs, long summaryMs) {
        ChatModel reply = delayed(new MemoryTokenReport.ScriptedModel(script), replyMs);
        MemoryTokenReport.SummaryModel summaries = new MemoryTokenReport.SummaryModel();
        ProviderOptions options = ProviderOptions.builder().putAll(v.options())
                .service(ChatModel.class, delayed(summaries, summaryMs)).put("summary-model", "fake-summary-model").build();
        MemoryStrategy memory = MemoryStrategies.create(v.strategy(), options);
        Conversation chat = Conversation.builder(reply).model("fake-llama").systemPrompt(MemoryTokenReport.SYSTEM_PROMPT)
                .memory(memory).budget(MemoryTokenReport.BUDGET).build();
        List<Double> plain = new ArrayList<>();
        List<Double> summarizing = new ArrayList<>();
        for (int t = 0; t < script.size(); t++) {
            long calls = summaries.calls;
            long start = System.nanoTime();
            chat.send(script.text(t));
            double ms = (System.nanoTime() - start) / 1e6;
            (summaries.calls > calls ? summarizing : plain).add(ms);
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %s | %d | %s |%n", v.label(), plain.size(), stats(plain, true),
                summarizing.size(), stats(summarizing, false));
    }

    private static String stats(List<Double> values, boolean p95) {
        if (values.isEmpty()) {
            return "—";
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = v[v.length / 2];
        double max = v[v.length - 1];
        return p95 ? String.format(Locale.ROOT, "%.0f / %.0f / %.0f", median, v[(int) Math.min(v.length - 1, Math.ceil(v.length * 0.95) - 1)], max)
                : String.format(Locale.ROOT, "%.0f / %.0f", median, max);
    }

    private static ChatModel delayed(ChatModel model, long ms) {
        return new ChatModel() {
            @Override
            public ChatResponse chat(ChatRequest request) {
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return model.chat(request);
            }
        };
    }
}
