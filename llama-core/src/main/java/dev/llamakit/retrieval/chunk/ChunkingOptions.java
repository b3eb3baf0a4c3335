package dev.llamakit.retrieval.chunk;

import dev.llamakit.retrieval.Chunker;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.tokens.TokenCounter;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The chunking options every retriever provider shares, read into a {@link Chunker}:
 * <ul>
 *   <li>{@value #CHUNKING}: {@code none} (default: each document is one chunk) or {@code sentence}
 *       ({@link SentenceChunker});</li>
 *   <li>{@value #CHUNK_TOKENS}: the chunk size in tokens (default {@value SentenceChunker#DEFAULT_TARGET_TOKENS});
 *       only with {@code chunking=sentence};</li>
 *   <li>{@value #CHUNK_OVERLAP}: the overlap in tokens (default {@value SentenceChunker#DEFAULT_OVERLAP_TOKENS}, or
 *       less when the size is small: at most a quarter of it); only with {@code chunking=sentence}.</li>
 * </ul>
 * A {@link TokenCounter} passed as a service in the options is used to count; otherwise the chunker's own. A
 * {@link Chunker} passed as a service replaces the built-in sentence chunker (see {@link #select}). Every retriever
 * provider reads its chunker with {@link #select}, so the rules are the same on every backend.
 */
public final class ChunkingOptions {
    public static final String CHUNKING = "chunking";
    public static final String CHUNK_TOKENS = "chunk-tokens";
    public static final String CHUNK_OVERLAP = "chunk-overlap";
    /** The option keys read here, to add to a provider's {@code optionKeys()}. */
    public static final Set<String> KEYS = Set.of(CHUNKING, CHUNK_TOKENS, CHUNK_OVERLAP);

    private ChunkingOptions() {
    }

    /**
     * The chunker the options ask for, or empty for whole documents (one chunk per document): a {@link Chunker}
     * service is used unless {@code chunking=none} (with it, {@code chunking} defaults to {@code sentence}); else
     * {@link #chunker(ProviderOptions, String)} reads the options, and {@code chunking=none} gives empty.
     *
     * @param provider the provider name, for error messages
     * @throws IllegalArgumentException as {@link #chunker(ProviderOptions, String)}, and when {@value #CHUNK_TOKENS}
     *                                  or {@value #CHUNK_OVERLAP} is given with a {@link Chunker} service
     */
    public static Optional<Chunker> select(ProviderOptions options, String provider) {
        Optional<Chunker> service = options.service(Chunker.class);
        String mode = options.string(CHUNKING, service.isPresent() ? "sentence" : "none")
                .trim().toLowerCase(Locale.ROOT);
        if (service.isPresent() && mode.equals("sentence")) {
            for (String key : new String[] {CHUNK_TOKENS, CHUNK_OVERLAP}) {
                if (options.string(key).isPresent()) {
                    throw new IllegalArgumentException("option '" + key + "' sizes the built-in sentence chunker;"
                            + " it cannot apply to the Chunker passed as a service");
                }
            }
            return service;
        }
        Chunker chunker = chunker(options, provider);
        return mode.equals("none") ? Optional.empty() : Optional.of(chunker);
    }

    /**
     * The built-in chunker the options ask for ({@link Chunker#none()} for {@code chunking=none}); a {@link Chunker}
     * service is not consulted (see {@link #select}).
     *
     * @param provider the provider name, for error messages
     * @throws IllegalArgumentException on an unknown {@value #CHUNKING} value, a bad number, or a size option
     *                                  without {@code chunking=sentence}
     */
    public static Chunker chunker(ProviderOptions options, String provider) {
        String mode = options.string(CHUNKING, "none").trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "none" -> {
                for (String key : new String[] {CHUNK_TOKENS, CHUNK_OVERLAP}) {
                    if (options.string(key).isPresent()) {
                        throw new IllegalArgumentException("option '" + key + "' of '" + provider
                                + "' needs chunking=sentence (chunking is none)");
                    }
                }
                return Chunker.none();
            }
            case "sentence" -> {
                int target = options.integer(CHUNK_TOKENS, SentenceChunker.DEFAULT_TARGET_TOKENS, 1);
                int defaultOverlap = Math.min(SentenceChunker.DEFAULT_OVERLAP_TOKENS, target / 4);
                int overlap = options.integer(CHUNK_OVERLAP, defaultOverlap, 0);
                if (overlap >= target) {
                    throw new IllegalArgumentException("option '" + CHUNK_OVERLAP + "' of '" + provider + "' ("
                            + overlap + ") must be smaller than '" + CHUNK_TOKENS + "' (" + target + ")");
                }
                SentenceChunker.Builder b = SentenceChunker.builder().targetTokens(target).overlapTokens(overlap);
                options.service(TokenCounter.class).ifPresent(b::tokenCounter);
                return b.build();
            }
            default -> throw new IllegalArgumentException("option '" + CHUNKING + "' of '" + provider
                    + "' must be none or sentence, got '" + options.string(CHUNKING, "") + "'");
        }
    }
}
