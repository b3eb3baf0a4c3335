package dev.llamakit.embed;

import dev.llamakit.spi.FixtureProvider;
import dev.llamakit.spi.ProviderOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Embedder providers for {@link EmbeddersTest}, listed only in services files of the test's own class loaders (core
 * has no embedder of its own).
 */
public final class TestEmbedderProviders {
    /** How many embedders the providers have made. */
    static final AtomicInteger CREATED = new AtomicInteger();

    private TestEmbedderProviders() {
    }

    /** A deterministic, non-semantic embedder: character codes folded into {@code dimensions} buckets, normalised. */
    public static final class HashEmbedder implements Embedder {
        private final String name;
        private final int dimensions;
        private final ProviderOptions options;

        HashEmbedder(String name, int dimensions, ProviderOptions options) {
            this.name = name;
            this.dimensions = dimensions;
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
        public int dimensions() {
            return dimensions;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            List<float[]> out = new ArrayList<>();
            for (String t : texts) {
                if (t == null) {
                    throw new IllegalArgumentException("null text");
                }
                float[] v = new float[dimensions];
                v[0] = 1;
                byte[] bytes = t.getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < bytes.length; i++) {
                    v[(i + 1) % dimensions] += bytes[i];
                }
                double n = 0;
                for (float x : v) {
                    n += x * x;
                }
                for (int i = 0; i < dimensions; i++) {
                    v[i] /= (float) Math.sqrt(n);
                }
                out.add(v);
            }
            return out;
        }
    }

    abstract static class Base extends FixtureProvider implements EmbedderProvider {
        Base(String name, String... keys) {
            super(name, keys);
        }

        @Override
        public Embedder create(ProviderOptions options) {
            CREATED.incrementAndGet();
            return new HashEmbedder(name(), options.integer("dimensions", 8, 1), options);
        }
    }

    /** {@code test-hash}: option {@code dimensions} (an integer of at least 1, default 8). */
    public static final class Hash extends Base {
        public Hash() {
            super("test-hash", "dimensions");
        }
    }

    /** {@code test-plain}: no options. */
    public static final class Plain extends Base {
        public Plain() {
            super("test-plain");
        }
    }

    /** Another provider named {@code test-hash}. */
    public static final class HashAgain extends Base {
        public HashAgain() {
            super("test-hash");
        }
    }
}
