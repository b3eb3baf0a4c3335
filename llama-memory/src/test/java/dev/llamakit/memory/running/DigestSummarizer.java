package dev.llamakit.memory.running;

import dev.llamakit.summarize.Summarizer;
import dev.llamakit.summarize.SummaryRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A deterministic {@link Summarizer} for tests: records every request and answers with a short digest of its
 * input (or what {@link #replying} says), so the same input always gives the same summary.
 */
public final class DigestSummarizer implements Summarizer {
    private final List<SummaryRequest> requests = new CopyOnWriteArrayList<>();
    private volatile Function<SummaryRequest, String> reply = DigestSummarizer::digest;

    /** Answers with {@code reply} from now on (it may throw to simulate a failing summarizer). */
    public DigestSummarizer replying(Function<SummaryRequest, String> reply) {
        this.reply = reply;
        return this;
    }

    @Override
    public String summarize(SummaryRequest request) {
        requests.add(request);
        return reply.apply(request);
    }

    public int calls() {
        return requests.size();
    }

    public List<SummaryRequest> requests() {
        return List.copyOf(requests);
    }

    /** "Digest 1a2b of 6 lines (12 before)." — depends only on the request. */
    public static String digest(SummaryRequest request) {
        long lines = request.text().lines().count();
        int before = request.previousSummaryIfAny().map(s -> s.split(" ").length).orElse(0);
        return "Digest " + Integer.toHexString((request.text() + request.previousSummary()).hashCode()) + " of " + lines
                + " lines (" + before + " words before).";
    }
}
