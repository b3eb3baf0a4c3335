package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.Embedder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** Wraps an embedder, recording every text it is asked to embed and every query; can tamper with the vectors. */
final class CountingEmbedder implements Embedder {
    private final Embedder delegate;
    private final UnaryOperator<float[]> tamper;
    final List<String> texts = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger queries = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();

    CountingEmbedder(Embedder delegate) {
        this(delegate, UnaryOperator.identity());
    }

    CountingEmbedder(Embedder delegate, UnaryOperator<float[]> tamper) {
        this.delegate = delegate;
        this.tamper = tamper;
    }

    static CountingEmbedder hashing() {
        return new CountingEmbedder(new HashingEmbedder());
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int dimensions() {
        return delegate.dimensions();
    }

    @Override
    public List<float[]> embed(List<String> batch) {
        calls.incrementAndGet();
        texts.addAll(batch);
        return delegate.embed(batch).stream().map(tamper).toList();
    }

    @Override
    public float[] embedQuery(String query) {
        queries.incrementAndGet();
        return tamper.apply(delegate.embedQuery(query));
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    /** Forgets what was recorded. */
    void reset() {
        texts.clear();
        calls.set(0);
        queries.set(0);
    }
}
