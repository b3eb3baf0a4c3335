package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.EmbedderProvider;
import dev.llamakit.spi.ProviderOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registers {@link HashingEmbedder} as {@value HashingEmbedder#NAME} (test classpath only), and counts the
 * embedders it made and how many of them were closed, so tests can check who closes an embedder created by name.
 */
public final class HashingEmbedderProvider implements EmbedderProvider {
    static final AtomicInteger CREATED = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();

    @Override
    public String name() {
        return HashingEmbedder.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of();
    }

    @Override
    public String description() {
        return "test only: feature hashing of stemmed words and trigrams into 512 dimensions";
    }

    @Override
    public Embedder create(ProviderOptions options) {
        CREATED.incrementAndGet();
        HashingEmbedder hashing = new HashingEmbedder();
        return new Embedder() {
            @Override
            public String name() {
                return hashing.name();
            }

            @Override
            public int dimensions() {
                return hashing.dimensions();
            }

            @Override
            public List<float[]> embed(List<String> texts) {
                return hashing.embed(texts);
            }

            @Override
            public void close() {
                CLOSED.incrementAndGet();
            }
        };
    }
}
