package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.RetrieverProvider;
import dev.llamakit.retrieval.chunk.ChunkingOptions;
import dev.llamakit.spi.ProviderOptions;
import java.util.Set;

/**
 * The provider of {@code keyword}, the seed guide's keyword matcher (a baseline that scans every document; see
 * {@link KeywordRetriever}). Options: the shared chunking options {@value ChunkingOptions#CHUNKING}
 * ({@code none}, the default, or {@code sentence}), {@value ChunkingOptions#CHUNK_TOKENS} and
 * {@value ChunkingOptions#CHUNK_OVERLAP} (see {@link ChunkingOptions}); a {@code TokenCounter} service, when
 * given, measures the chunks; a {@link Chunker} service replaces the sentence chunker, as for every retriever.
 */
public final class KeywordRetrieverProvider implements RetrieverProvider {

    @Override
    public String name() {
        return KeywordRetriever.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        return ChunkingOptions.KEYS;
    }

    @Override
    public String description() {
        return "the seed guide's keyword matcher: counts query words found in each text (a baseline; scans everything)";
    }

    @Override
    public Retriever create(ProviderOptions options) {
        return KeywordRetriever.builder()
                .chunker(ChunkingOptions.select(options, KeywordRetriever.NAME).orElse(Chunker.none())).build();
    }
}
