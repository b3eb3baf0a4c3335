package dev.llamakit.retrieval;

import dev.llamakit.spi.FixtureProvider;
import dev.llamakit.spi.ProviderOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Retriever providers for {@link RetrieversTest}. {@link Listing} and {@link Strict} are registered in this module's
 * test {@code META-INF/services/dev.llamakit.retrieval.RetrieverProvider} (so every core test sees them);
 * {@link ListingAgain} and {@link Exploding} only in services files of {@link RetrieversTest}'s own class loaders.
 */
public final class TestRetrieverProviders {
    /** How many retrievers the providers have made. */
    static final AtomicInteger CREATED = new AtomicInteger();

    private TestRetrieverProviders() {
    }

    /** A tiny retriever: whole documents as chunks; a hit holds the lower-cased query text; remembers its options. */
    public static final class ListRetriever implements Retriever {
        private final String name;
        private final ProviderOptions options;
        private final Map<String, Document> documents = new LinkedHashMap<>();
        private boolean closed;

        ListRetriever(String name, ProviderOptions options) {
            this.name = name;
            this.options = options;
        }

        public ProviderOptions options() {
            return options;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public synchronized List<RetrievedChunk> retrieve(RetrievalQuery query) {
            check();
            String wanted = query.text().toLowerCase(Locale.ROOT).strip();
            List<RetrievedChunk> hits = new ArrayList<>();
            for (Document d : documents.values()) {
                if (!wanted.isEmpty() && hits.size() < query.topK() && d.text().toLowerCase(Locale.ROOT).contains(wanted)) {
                    hits.add(new RetrievedChunk(Chunk.whole(d), 1.0, hits.size() + 1, name, null));
                }
            }
            return hits;
        }

        @Override
        public synchronized void upsert(Collection<Document> docs) {
            check();
            docs.forEach(d -> documents.put(d.id(), d));
        }

        @Override
        public synchronized void delete(Collection<String> ids) {
            check();
            ids.forEach(documents::remove);
        }

        @Override
        public synchronized long count() {
            check();
            return documents.size();
        }

        @Override
        public synchronized void close() {
            closed = true;
        }

        private void check() {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
        }
    }

    abstract static class Base extends FixtureProvider implements RetrieverProvider {
        Base(String name, String... keys) {
            super(name, keys);
        }

        @Override
        public Retriever create(ProviderOptions options) {
            CREATED.incrementAndGet();
            return new ListRetriever(name(), options);
        }
    }

    /** {@code test-listing}: options {@code greeting} and {@code size} (an integer of at least 1). */
    public static final class Listing extends Base {
        public Listing() {
            super("test-listing", "greeting", "size");
        }

        @Override
        public String description() {
            return "a list scan, for tests";
        }

        @Override
        public Retriever create(ProviderOptions options) {
            options.integer("size", 10, 1);
            return super.create(options);
        }
    }

    /** {@code test-strict}: no options. */
    public static final class Strict extends Base {
        public Strict() {
            super("test-strict");
        }
    }

    /** Another provider named {@code test-listing}. */
    public static final class ListingAgain extends Base {
        public ListingAgain() {
            super("test-listing");
        }
    }

    /** Fails in its constructor, as a provider with a missing dependency would. */
    public static final class Exploding extends Base {
        public Exploding() {
            super("test-exploding");
            throw new IllegalStateException("boom: a dependency is missing");
        }
    }
}
