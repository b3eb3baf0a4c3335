package dev.llamakit.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llamakit.retrieval.chunk.ChunkingOptions;
import dev.llamakit.retrieval.chunk.SentenceChunker;
import dev.llamakit.spi.ProviderOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The option vocabulary every retriever provider shares: one parser, one check, one message per option. */
class RetrieverOptionsTest {

    private static ProviderOptions of(String... keyValues) {
        ProviderOptions.Builder b = ProviderOptions.builder();
        for (int i = 0; i < keyValues.length; i += 2) {
            b.put(keyValues[i], keyValues[i + 1]);
        }
        return b.build();
    }

    @Test
    void bm25ParametersDefaultToAnseriniAndAreCheckedOnce() {
        assertThat(RetrieverOptions.k1(ProviderOptions.EMPTY)).isEqualTo(0.9f);
        assertThat(RetrieverOptions.b(ProviderOptions.EMPTY)).isEqualTo(0.4f);
        assertThat(RetrieverOptions.k1(of("k1", "1.2"))).isEqualTo(1.2f);
        assertThatThrownBy(() -> RetrieverOptions.k1(of("k1", "-1"))).hasMessage("k1 must be a finite number >= 0,"
                + " got -1.0");
        assertThatThrownBy(() -> RetrieverOptions.b(of("b", "1.5"))).hasMessage("b must be between 0 and 1, got 1.5");
        assertThatThrownBy(() -> RetrieverOptions.checkK1(Float.NaN)).hasMessageContaining("k1 must be");
        assertThatThrownBy(() -> RetrieverOptions.b(of("b", "x"))).hasMessageContaining("option 'b' must be a number");
    }

    @Test
    void weightsApplyToBothFusions() {
        assertThat(RetrieverOptions.fusion(ProviderOptions.EMPTY, "p")).hasToString("minmax(weights=equal)");
        assertThat(RetrieverOptions.fusion(of("fusion", "rrf", "weights", "0.3, 0.7"), "p"))
                .hasToString("rrf(k=60, weights=[0.3, 0.7])");
        assertThat(RetrieverOptions.fusion(of("fusion", "min-max", "weights", "1,0"), "p"))
                .hasToString("minmax(weights=[1.0, 0.0])");
        assertThat(RetrieverOptions.fusion(of("fusion", " RRF ", "rrf-k", "10"), "p")).hasToString("rrf(k=10)");
    }

    @Test
    void fusionMistakesNameTheOptionAndTheProvider() {
        Map<ProviderOptions, String> bad = Map.of(
                of("rrf-k", "10"), "option 'rrf-k' of 'p' applies to fusion=rrf only, not fusion=minmax",
                of("fusion", "rrf", "rrf-k", "-1"), "option 'rrf-k' must be at least 0",
                of("weights", "1"), "option 'weights' must be two numbers, bm25,vector",
                of("weights", "1,2,"), "option 'weights' must be two numbers",
                of("weights", "a,b"), "option 'weights' must be two numbers",
                of("weights", "-1,1"), "option 'weights' of 'p'",
                of("fusion", "rrf", "weights", "0,0"), "not all be 0",
                of("fusion", "borda"), "option 'fusion' of 'p': unknown fusion 'borda'");
        bad.forEach((options, message) -> assertThatThrownBy(() -> RetrieverOptions.fusion(options, "p"))
                .as(options.toString()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message));
    }

    @Test
    void indexDirIsADeprecatedSpellingOfIndexWarnedAboutOnce() {
        Logger logger = (Logger) LoggerFactory.getLogger(RetrieverOptions.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            RetrieverOptions.resetWarnings();
            assertThat(RetrieverOptions.index(of("index", "state/index"), "bm25")).hasValue("state/index");
            assertThat(appender.list).isEmpty();
            assertThat(RetrieverOptions.index(of("index-dir", "old/place"), "bm25")).hasValue("old/place");
            assertThat(RetrieverOptions.index(of("index-dir", "again"), "vector")).hasValue("again");
            assertThat(appender.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).isEqualTo("option 'index-dir' of 'bm25' is deprecated; use"
                        + " 'index' (same value)");
            });
            assertThat(RetrieverOptions.index(ProviderOptions.EMPTY, "bm25")).isEmpty();
            assertThatThrownBy(() -> RetrieverOptions.index(of("index", "a", "index-dir", "b"), "hybrid"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("options 'index-dir' and 'index' of 'hybrid' are the same option");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void highlightDefaultsToTrue() {
        assertThat(RetrieverOptions.highlight(ProviderOptions.EMPTY)).isTrue();
        assertThat(RetrieverOptions.highlight(of("highlight", "FALSE"))).isFalse();
        assertThatThrownBy(() -> RetrieverOptions.highlight(of("highlight", "no")))
                .hasMessageContaining("option 'highlight' must be true or false");
    }

    @Test
    void aChunkerServiceReplacesTheSentenceChunkerUnlessChunkingIsNone() {
        Chunker mine = document -> List.of(Chunk.whole(document));
        ProviderOptions withService = ProviderOptions.builder().service(Chunker.class, mine).build();
        assertThat(ChunkingOptions.select(ProviderOptions.EMPTY, "p")).isEmpty();
        assertThat(ChunkingOptions.select(withService, "p")).containsSame(mine);
        assertThat(ChunkingOptions.select(withService.toBuilder().put("chunking", "none").build(), "p")).isEmpty();
        assertThat(ChunkingOptions.select(of("chunking", "sentence"), "p")).get().isInstanceOf(SentenceChunker.class);
        assertThatThrownBy(() -> ChunkingOptions.select(withService.toBuilder().put("chunk-tokens", "50").build(), "p"))
                .hasMessageContaining("option 'chunk-tokens' sizes the built-in sentence chunker");
        assertThatThrownBy(() -> ChunkingOptions.select(of("chunk-tokens", "50"), "p"))
                .hasMessageContaining("option 'chunk-tokens' of 'p' needs chunking=sentence");
    }
}
