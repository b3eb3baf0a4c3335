package dev.llamakit.retrieval.opensearch;

import java.util.Locale;

/**
 * When writes become visible to searches. The retriever SPI promises that an upsert or delete is visible on return;
 * {@link #WAIT_FOR} (the default) and {@link #TRUE} keep that promise, {@link #FALSE} trades it for indexing speed.
 */
public enum RefreshPolicy {
    /** Refresh the touched shards at once (costly under heavy writing). */
    TRUE("true"),
    /** Wait for the next scheduled refresh (the index's refresh interval, 1 s by default). */
    WAIT_FOR("wait_for"),
    /** Do not wait: changes show within the refresh interval. Breaks the SPI's visible-on-return promise. */
    FALSE("false");

    private final String value;

    RefreshPolicy(String value) {
        this.value = value;
    }

    /** The value of OpenSearch's {@code refresh} parameter and of the option. */
    public String optionValue() {
        return value;
    }

    /** Parses {@code true}, {@code wait_for} (or {@code wait-for}) or {@code false}. */
    public static RefreshPolicy parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (RefreshPolicy p : values()) {
            if (p.value.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("option 'refresh' must be true, wait_for or false, got '" + value + "'");
    }
}
