package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Option keys and parsing shared by the {@code vector} and {@code hybrid} providers. */
final class DenseOptions {
    static final String EMBEDDER = "embedder";
    static final String EXACT_BELOW = "exact-below";
    static final String EF_SEARCH = "ef-search";
    /** The embedder used when neither an {@link Embedder} service nor the {@code embedder} option is given. */
    static final String DEFAULT_EMBEDDER = "all-minilm-l6-v2-q";
    /** The keys both providers take, besides their BM25 and chunking options. */
    static final List<String> KEYS = List.of(EMBEDDER, EXACT_BELOW, EF_SEARCH);

    private DenseOptions() {
    }

    /** An embedder and whether the retriever owns it (created by name) or not (passed as a service). */
    record Choice(Embedder embedder, boolean owned) {
    }

    /**
     * The {@link Embedder} service, or the embedder named by the {@code embedder} option (default
     * {@value #DEFAULT_EMBEDDER}) from {@link Embedders}.
     *
     * @throws IllegalArgumentException when both are given, or no embedder of that name is on the classpath
     */
    static Choice embedder(ProviderOptions options, String provider) {
        Optional<Embedder> service = options.service(Embedder.class);
        Optional<String> name = options.string(EMBEDDER).map(String::trim);
        if (service.isPresent()) {
            if (name.isPresent()) {
                throw new IllegalArgumentException("'" + provider + "' got both an Embedder service ('"
                        + service.get().name() + "') and the option embedder=" + name.get() + "; pass only one");
            }
            return new Choice(service.get(), false);
        }
        String chosen = name.orElse(DEFAULT_EMBEDDER);
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("option 'embedder' of '" + provider + "' is blank; name an embedder,"
                    + " e.g. " + DEFAULT_EMBEDDER);
        }
        try {
            return new Choice(Embedders.create(chosen, ProviderOptions.EMPTY), true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + provider + "' needs an embedder"
                    + (name.isEmpty() ? " (option embedder, default " + DEFAULT_EMBEDDER + ")" : "") + ": "
                    + e.getMessage(), e);
        }
    }

    /** The {@code index-dir} option, if given. */
    static Optional<Path> indexDirectory(ProviderOptions options) {
        Optional<String> dir = options.string(Bm25RetrieverProvider.INDEX_DIR);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(dir.get().trim()));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("option 'index-dir' is not a valid path: '" + dir.get() + "'", e);
        }
    }

    /** The {@link EmbeddingProgress} service, or none. */
    static EmbeddingProgress progress(ProviderOptions options) {
        return options.service(EmbeddingProgress.class).orElse(EmbeddingProgress.none());
    }
}
