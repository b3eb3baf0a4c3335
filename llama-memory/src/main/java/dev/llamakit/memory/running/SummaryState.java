package dev.llamakit.memory.running;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * A conversation's running summary as persisted in its {@link dev.llamakit.memory.StrategyState}: the summary
 * text; {@code throughSeq}, the last transcript entry it covers (every unit up to and including it has been
 * summarized, -1 when none); {@code anchor}, a fingerprint of that entry that detects a state that does not belong to
 * the transcript; and {@code retryAfterSeq}, set after a failed summarizer call so that the next attempt waits for
 * the transcript to pass that entry (-1 when there is nothing to wait for).
 *
 * <p>Stored as one JSON value, so that the summary and its boundary are always written together:
 * {@code {"v":1,"summary":"...","through":41,"anchor":"1a2b3c","retryAfter":-1}}.
 */
public record SummaryState(String summary, long throughSeq, String anchor, long retryAfterSeq) {
    /** No summary yet. */
    public static final SummaryState EMPTY = new SummaryState("", -1, "", -1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;

    public SummaryState {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(anchor, "anchor");
        if (throughSeq < -1) {
            throw new IllegalArgumentException("throughSeq must be -1 or more, got " + throughSeq);
        }
    }

    /** Whether there is a summary to show. */
    public boolean hasSummary() {
        return !summary.isBlank();
    }

    /** The same state, waiting until the transcript passes {@code seq} before summarizing again. */
    public SummaryState retryingAfter(long seq) {
        return new SummaryState(summary, throughSeq, anchor, seq);
    }

    /** The JSON form stored in the strategy state. */
    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("v", VERSION);
        node.put("summary", summary);
        node.put("through", throughSeq);
        node.put("anchor", anchor);
        node.put("retryAfter", retryAfterSeq);
        return node.toString();
    }

    /** Reads {@link #toJson()}'s form; empty when the text is not a state of a known version. */
    public static Optional<SummaryState> fromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject() || node.path("v").asInt(-1) != VERSION || !node.path("summary").isTextual()
                    || !node.path("through").canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new SummaryState(node.get("summary").asText(), node.get("through").asLong(),
                    node.path("anchor").asText(""), node.path("retryAfter").asLong(-1)));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
