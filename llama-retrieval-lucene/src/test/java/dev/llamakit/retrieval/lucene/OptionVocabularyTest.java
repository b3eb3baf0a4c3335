package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options the Lucene providers share with every backend ({@code RetrieverOptions}): {@code index} (and its
 * deprecated spelling {@code index-dir}), one check of the keys (the registry's), the shared chunker rules.
 */
class OptionVocabularyTest {

    private static Map<String, String> options(String provider, String key, Path dir) {
        Map<String, String> options = new HashMap<>(Map.of(key, dir.toString()));
        if (!provider.equals("bm25")) {
            options.put("embedder", HashingEmbedder.NAME);
        }
        return options;
    }

    @Test
    void indexAndItsDeprecatedSpellingIndexDirOpenTheSameFolder(@TempDir Path tmp) {
        for (String provider : List.of("bm25", "vector", "hybrid")) {
            Path dir = tmp.resolve(provider);
            try (Retriever r = Retrievers.create(provider, options(provider, "index", dir))) {
                r.upsert(List.of(Document.of("d1", "penguins huddle in the cold")));
            }
            assertThat(Files.isDirectory(dir)).as(provider).isTrue();
            try (Retriever r = Retrievers.create(provider, options(provider, "index-dir", dir))) {
                assertThat(r.count()).as(provider + " with index-dir").isEqualTo(1);
                assertThat(((LuceneRetriever) r).indexDirectory()).isEqualTo(dir);
            }
            Map<String, String> both = options(provider, "index", dir);
            both.put("index-dir", dir.toString());
            assertThatThrownBy(() -> Retrievers.create(provider, both)).as(provider)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("options 'index-dir' and 'index' of '" + provider + "' are the same option");
        }
    }

    @Test
    void unknownKeysAreRejectedByTheRegistryNamingTheProvider() {
        for (String provider : List.of("bm25", "vector", "hybrid", "keyword")) {
            assertThatThrownBy(() -> Retrievers.create(provider, Map.of("highlights", "false"))).as(provider)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("unknown option [highlights] for '" + provider + "'");
        }
    }

    @Test
    void theKeywordRetrieverTakesAChunkerServiceAsEveryRetrieverDoes() {
        Chunker halves = document -> List.of(
                new Chunk(Chunk.idOf(document.id(), 0), document.id(), 0, document.title(), "alpha", 0, 5, document.metadata()),
                new Chunk(Chunk.idOf(document.id(), 1), document.id(), 1, document.title(), "beta", 6, 10,
                        document.metadata()));
        try (Retriever r = Retrievers.create("keyword", ProviderOptions.builder().service(Chunker.class, halves)
                .build())) {
            r.upsert(List.of(Document.of("d1", "alpha beta")));
            assertThat(r.retrieve("beta", 5)).singleElement()
                    .satisfies(h -> assertThat(h.chunk().id()).isEqualTo(Chunk.idOf("d1", 1)));
        }
    }
}
