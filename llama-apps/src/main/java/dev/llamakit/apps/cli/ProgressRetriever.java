package dev.llamakit.apps.cli;

import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A retriever that reports indexing progress on a terminal: files upserted out of the files expected, files per
 * second and an ETA, and, while a dense retriever embeds a batch, the chunks embedded so far; rewritten in place
 * ({@code \r}) at most every 200 ms.
 */
final class ProgressRetriever implements Retriever {
    private final Retriever delegate;
    private final PrintWriter err;
    private final long expectedFiles;
    private final LongSupplier nanos;
    private final long start;
    private final Set<String> files = new HashSet<>();
    private long lastPrint;
    private boolean printed;
    private int embedded;
    private int toEmbed;

    ProgressRetriever(Retriever delegate, PrintWriter err, long expectedFiles, LongSupplier nanos) {
        this.delegate = delegate;
        this.err = err;
        this.expectedFiles = expectedFiles;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
        this.lastPrint = start - Duration.ofSeconds(1).toNanos();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public List<RetrievedChunk> retrieve(RetrievalQuery query) {
        return delegate.retrieve(query);
    }

    @Override
    public void upsert(Collection<Document> documents) {
        delegate.upsert(documents);
        for (Document d : documents) {
            files.add(d.metadata().getOrDefault("path", d.id()));
        }
        toEmbed = 0;
        print(false);
    }

    /** The embedding progress of the upsert under way (an {@code EmbeddingProgress}). */
    void embedded(int done, int total) {
        embedded = done;
        toEmbed = total;
        print(false);
    }

    private void print(boolean force) {
        long now = nanos.getAsLong();
        if (force || now - lastPrint >= Duration.ofMillis(200).toNanos()) {
            lastPrint = now;
            String embedding = toEmbed > 0 && embedded < toEmbed
                    ? String.format(java.util.Locale.ROOT, "  embedding %d/%d chunks ", embedded, toEmbed) : "";
            err.print("\r" + line(files.size(), expectedFiles, now - start) + embedding);
            err.flush();
            printed = true;
        }
    }

    /** One progress line: {@code indexing 120/450 files  35.2 files/s  ETA 9 s}. */
    static String line(long done, long expected, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        double rate = done / seconds;
        String eta = rate <= 0 || expected <= done ? "-" : formatSeconds((expected - done) / rate);
        return String.format(java.util.Locale.ROOT, "indexing %d/%d files  %.1f files/s  ETA %s   ", done,
                Math.max(expected, done), rate, eta);
    }

    static String formatSeconds(double s) {
        long total = Math.round(Math.ceil(s));
        return total < 60 ? total + " s" : (total / 60) + " min " + (total % 60) + " s";
    }

    /** Ends the progress line, if one was printed. */
    void finish() {
        if (printed) {
            err.print("\r" + line(files.size(), expectedFiles, nanos.getAsLong() - start).stripTrailing() + "\n");
            err.flush();
        }
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
