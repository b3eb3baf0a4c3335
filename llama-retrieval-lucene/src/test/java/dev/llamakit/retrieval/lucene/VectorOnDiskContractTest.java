package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.RetrieverContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** {@code vector} on disk (every write a commit), through the HNSW graph (exact-below=0), keeps the contract. */
class VectorOnDiskContractTest extends RetrieverContract {
    @TempDir
    Path tmp;

    @Override
    protected Retriever newRetriever() {
        try {
            Path dir = Files.createTempDirectory(tmp, "index");
            return Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME, "index", dir.toString(),
                    "exact-below", "0"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected boolean onlyMatchingChunksAreHits() {
        return false;
    }

    @Override
    protected boolean topKResultsArePrefixes() {
        return false; // approximate search
    }

    @Override
    protected int concurrentWriteRounds() {
        return 8; // each write is an fsync'ed commit
    }
}
