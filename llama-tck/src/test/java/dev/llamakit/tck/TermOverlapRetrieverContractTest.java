package dev.llamakit.tck;

import dev.llamakit.retrieval.Retriever;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** The contract kit run against the reference retriever, in each of its chunking modes. */
class TermOverlapRetrieverContractTest {

    @Nested
    @DisplayName("sentence chunks (document substrings)")
    class Sentences extends RetrieverContract {
        @Override
        protected Retriever newRetriever() {
            return new TermOverlapRetriever("term-overlap", TermOverlapRetriever.Chunking.SENTENCES);
        }
    }

    @Nested
    @DisplayName("whole-document chunks")
    class WholeDocuments extends RetrieverContract {
        @Override
        protected Retriever newRetriever() {
            return new TermOverlapRetriever("term-overlap-whole", TermOverlapRetriever.Chunking.WHOLE);
        }
    }

    @Nested
    @DisplayName("title-prefixed chunks (chunkTextIsDocumentSubstring() false)")
    class TitlePrefixed extends RetrieverContract {
        @Override
        protected Retriever newRetriever() {
            return new TermOverlapRetriever("term-overlap-titled", TermOverlapRetriever.Chunking.TITLE_PREFIXED);
        }

        @Override
        protected boolean chunkTextIsDocumentSubstring() {
            return false;
        }

        @Override
        protected int concurrentWriteRounds() {
            return 8;
        }
    }
}
