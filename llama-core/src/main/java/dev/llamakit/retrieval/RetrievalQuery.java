package dev.llamakit.retrieval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A search: the user's text (taken literally: no query syntax), how many hits, and metadata filters applied
 * inside the search: a hit's metadata must hold, for every filter key, one of the allowed values.
 */
public final class RetrievalQuery {
    /** The most hits one query may ask for. */
    public static final int MAX_TOP_K = 10_000;

    private final String text;
    private final int topK;
    private final Map<String, Set<String>> filters;

    private RetrievalQuery(Builder b) {
        this.text = b.text;
        this.topK = b.topK;
        this.filters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.filters));
    }

    public static Builder builder(String text) {
        return new Builder(text);
    }

    /** A query for the top {@code topK} hits, without filters. */
    public static RetrievalQuery of(String text, int topK) {
        return builder(text).topK(topK).build();
    }

    public String text() {
        return text;
    }

    public int topK() {
        return topK;
    }

    /** Metadata key → allowed values (all keys must match). */
    public Map<String, Set<String>> filters() {
        return filters;
    }

    @Override
    public String toString() {
        return "RetrievalQuery[text=" + text + ", topK=" + topK + ", filters=" + filters + "]";
    }

    /** Builds a {@link RetrievalQuery}. */
    public static final class Builder {
        private final String text;
        private int topK = 10;
        private final Map<String, Set<String>> filters = new LinkedHashMap<>();

        private Builder(String text) {
            this.text = Objects.requireNonNull(text, "text");
        }

        /** How many hits at most (default 10; 1 to 10,000). */
        public Builder topK(int topK) {
            if (topK < 1 || topK > MAX_TOP_K) {
                throw new IllegalArgumentException("topK must be between 1 and " + MAX_TOP_K + ", got " + topK);
            }
            this.topK = topK;
            return this;
        }

        /** Only hits whose metadata {@code key} is one of {@code values}. */
        public Builder filter(String key, String... values) {
            Objects.requireNonNull(key, "key");
            if (values.length == 0) {
                throw new IllegalArgumentException("filter '" + key + "' needs at least one value");
            }
            java.util.Set<String> allowed = new java.util.LinkedHashSet<>();
            for (String v : values) {
                allowed.add(Objects.requireNonNull(v, "value"));
            }
            filters.put(key, java.util.Collections.unmodifiableSet(allowed));
            return this;
        }

        public RetrievalQuery build() {
            return new RetrievalQuery(this);
        }
    }
}
