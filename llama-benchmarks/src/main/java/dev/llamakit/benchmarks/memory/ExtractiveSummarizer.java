package dev.llamakit.benchmarks.memory;

import dev.llamakit.summarize.Summarizer;
import dev.llamakit.summarize.SummaryRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic, in-memory stand-in for a model-backed {@link Summarizer}, which counts its calls. Its "summary"
 * is the previous summary followed by the first {@value #WORDS_PER_LINE} words of every {@code User:} line of the new
 * text. When that is longer than about two thirds of a word per allowed token, the oldest words are dropped. So the
 * summary grows to its cap and then keeps the newest user lines. It does no model call, so measurements that use it
 * show the strategy's own work; a real summary call costs one model round trip.
 */
final class ExtractiveSummarizer implements Summarizer {
    static final int WORDS_PER_LINE = 16;

    private final AtomicLong calls = new AtomicLong();

    @Override
    public String summarize(SummaryRequest request) {
        calls.incrementAndGet();
        return summarize(request.previousSummaryIfAny().orElse(null), request.text(), request.maxTokens());
    }

    long calls() {
        return calls.get();
    }

    /** The summary of {@code text} following {@code previous} (may be null), in about {@code maxTokens} tokens. */
    static String summarize(String previous, String text, int maxTokens) {
        List<String> words = new ArrayList<>();
        if (previous != null && !previous.isBlank()) {
            words.addAll(Arrays.asList(previous.strip().split("\\s+")));
        }
        boolean any = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("User: ")) {
                addLine(words, line.substring(6));
                any = true;
            }
        }
        if (!any) {
            addLine(words, text.strip());
        }
        int keep = Math.max(8, maxTokens * 2 / 3);
        if (words.size() > keep) {
            words = words.subList(words.size() - keep, words.size());
        }
        return String.join(" ", words);
    }

    private static void addLine(List<String> words, String line) {
        String[] parts = line.strip().split("\\s+");
        int n = Math.min(parts.length, WORDS_PER_LINE);
        for (int i = 0; i < n; i++) {
            if (!parts[i].isEmpty()) {
                words.add(i == n - 1 && !parts[i].endsWith(".") ? parts[i] + "." : parts[i]);
            }
        }
    }
}
