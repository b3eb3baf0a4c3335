package dev.llamakit.retrieval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A document to index: a stable id, a title, the text, metadata (string key/value pairs usable as filters) and
 * where it came from (a path or URI, for citations). Immutable.
 */
public final class Document {
    private final String id;
    private final String title;
    private final String text;
    private final Map<String, String> metadata;
    private final String source;

    private Document(Builder b) {
        this.id = b.id;
        this.title = b.title;
        this.text = b.text;
        this.metadata = Map.copyOf(b.metadata);
        this.source = b.source;
    }

    /** Starts a document with this id (non-blank; unique within a retriever). */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** A document with just an id and text. */
    public static Document of(String id, String text) {
        return builder(id).text(text).build();
    }

    public String id() {
        return id;
    }

    /** The title ({@code ""} when none). */
    public String title() {
        return title;
    }

    public String text() {
        return text;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The path or URI the document was loaded from. */
    public Optional<String> source() {
        return Optional.ofNullable(source);
    }

    /** A builder holding this document's values. */
    public Builder toBuilder() {
        Builder b = new Builder(id).title(title).text(text);
        b.metadata.putAll(metadata);
        b.source = source;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Document d && id.equals(d.id) && title.equals(d.title) && text.equals(d.text)
                && metadata.equals(d.metadata) && Objects.equals(source, d.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, title, text, metadata, source);
    }

    @Override
    public String toString() {
        return "Document[id=" + id + ", title=" + title + ", chars=" + text.length() + "]";
    }

    /** Builds a {@link Document}. */
    public static final class Builder {
        private final String id;
        private String title = "";
        private String text = "";
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private String source;

        private Builder(String id) {
            Objects.requireNonNull(id, "id");
            if (id.isBlank()) {
                throw new IllegalArgumentException("document id must not be blank");
            }
            this.id = id;
        }

        public Builder title(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        public Builder text(String text) {
            this.text = Objects.requireNonNull(text, "text");
            return this;
        }

        public Builder metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder metadata(Map<String, String> values) {
            Objects.requireNonNull(values, "metadata").forEach(this::metadata);
            return this;
        }

        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Builds the document.
         *
         * @throws IllegalArgumentException when both title and text are blank (an empty document)
         */
        public Document build() {
            if (title.isBlank() && text.isBlank()) {
                throw new IllegalArgumentException("document '" + id + "' is empty: it has neither title nor text");
            }
            return new Document(this);
        }
    }
}
