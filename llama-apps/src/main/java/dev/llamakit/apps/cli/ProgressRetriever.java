package dev.llamakit.apps.cli;

import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A retriever that moves a {@link Progress} bar: by the files it is given ({@link #files}: distinct {@code path}
 * metadata), by the documents ({@link #documents}) or by the queries it answers ({@link #queries}). As an
 * {@link EmbeddingProgress} it shows the chunks of the batch being embedded. Closing it closes the delegate.
 */
final class ProgressRetriever implements Retriever, EmbeddingProgress {
    private enum Counting { FILES, DOCUMENTS, QUERIES }

    private final Retriever delegate;
    private final Progress progress;
    private final Counting counting;
    private final Set<String> files = new HashSet<>();

    private ProgressRetriever(Retriever delegate, Progress progress, Counting counting) {
        this.delegate = delegate;
        this.progress = progress;
        this.counting = counting;
    }

    /** Counts the distinct files upserted (a file's documents share its {@code path}). */
    static ProgressRetriever files(Retriever delegate, Progress progress) {
        return new ProgressRetriever(delegate, progress, Counting.FILES);
    }

    /** Counts the documents upserted. */
    static ProgressRetriever documents(Retriever delegate, Progress progress) {
        return new ProgressRetriever(delegate, progress, Counting.DOCUMENTS);
    }

    /** Counts the queries answered (thread-safe: evaluation runs queries in parallel). */
    static ProgressRetriever queries(Retriever delegate, Progress progress) {
        return new ProgressRetriever(delegate, progress, Counting.QUERIES);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public List<RetrievedChunk> retrieve(RetrievalQuery query) {
        List<RetrievedChunk> hits = delegate.retrieve(query);
        if (counting == Counting.QUERIES) {
            progress.advance(1);
        }
        return hits;
    }

    @Override
    public void upsert(Collection<Document> documents) {
        delegate.upsert(documents);
        if (counting == Counting.DOCUMENTS) {
            progress.advance(documents.size());
        } else if (counting == Counting.FILES) {
            synchronized (files) {
                for (Document d : documents) {
                    files.add(d.metadata().getOrDefault("path", d.id()));
                }
                progress.set(files.size());
            }
        }
    }

    /** The embedding progress of the upsert under way. */
    @Override
    public void embedded(int done, int total) {
        progress.detail("embedding chunks", done, total);
    }

    @Override
    public void delete(Collection<String> documentIds) {
        delegate.delete(documentIds);
    }

    @Override
    public long count() {
        return delegate.count();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
