package dev.llamakit.retrieval.opensearch;

import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Some documents of an upsert or delete were not written; the others were. {@link #failures()} says, per document
 * id, why (the first failing chunk's status and OpenSearch's error). Retryable rejections (429, 502, 503, 504 for an
 * item) were retried with backoff before they were reported. A failed document may be partly written: upsert it
 * again once the cause is fixed, or delete it.
 */
public final class PartialWriteException extends OpenSearchRetrieverException {
    /** Why one document failed: the HTTP status of its item, OpenSearch's error type and reason. */
    public record Failure(int status, String type, String reason) {
        public Failure {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return status + " " + type + ": " + reason;
        }
    }

    private static final int LISTED = 5;

    private final Map<String, Failure> failures;
    private final int documents;

    PartialWriteException(String what, String index, int documents, Map<String, Failure> failures) {
        super(Reason.PARTIAL_FAILURE, 0, message(what, index, documents, failures), null);
        this.failures = Map.copyOf(failures);
        this.documents = documents;
    }

    private static String message(String what, String index, int documents, Map<String, Failure> failures) {
        String listed = failures.entrySet().stream().limit(LISTED)
                .map(e -> "'" + abbreviate(e.getKey()) + "': " + e.getValue())
                .collect(Collectors.joining("; "));
        return failures.size() + " of " + documents + " documents failed to " + what + " in index '" + index + "': "
                + listed + (failures.size() > LISTED ? "; and " + (failures.size() - LISTED) + " more" : "");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    /** Document id → why it failed, for every failed document. */
    public Map<String, Failure> failures() {
        return failures;
    }

    /** How many documents the write had (failed and written). */
    public int documents() {
        return documents;
    }
}
