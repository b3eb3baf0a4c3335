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

/** {@code bm25} on disk (every write an fsync'ed commit) keeps the retriever contract. */
class Bm25OnDiskContractTest extends RetrieverContract {
    @TempDir
    Path tmp;

    @Override
    protected Retriever newRetriever() {
        try {
            Path dir = Files.createTempDirectory(tmp, "index");
            return Retrievers.create("bm25", Map.of("index", dir.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
