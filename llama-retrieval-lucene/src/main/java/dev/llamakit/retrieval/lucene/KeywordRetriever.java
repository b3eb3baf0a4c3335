package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.IndexText;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@code keyword} retriever: the seed guide's {@code simple_rag_system} keyword matcher, exactly. It is the
 * <b>baseline</b> the other retrievers are measured against, and it is intentionally <b>not an index</b>: every
 * search scans the lower-cased text of every chunk, so a search costs O(total text × query words). Use
 * {@code bm25} for anything real.
 *
 * <p>The seed's code, and what this class does for each line:
 * <pre>{@code
 * keywords = question.lower().split()
 * for doc in documents:
 *     score = sum(1 for keyword in keywords if keyword in doc.lower())
 *     if score > 0:
 *         relevant_docs.append((doc, score))
 * relevant_docs.sort(key=lambda x: x[1], reverse=True)
 * top_docs = [doc for doc, _ in relevant_docs[:2]]
 * }</pre>
 * <ul>
 *   <li><b>Keywords</b>: the query lower-cased ({@link String#toLowerCase(Locale) toLowerCase(Locale.ROOT)}: the
 *       Unicode default case mapping, as Python's {@code str.lower()}), split on runs of whitespace as Python's
 *       {@code str.split()} does (its whitespace set, which also holds the no-break spaces U+00A0, U+2007, U+202F
 *       and U+0085 that {@link Character#isWhitespace} leaves out). Punctuation stays attached ({@code "after?"} is
 *       a keyword) and repeated keywords are kept: a query with {@code paris} twice counts it twice.</li>
 *   <li><b>Score</b>: the number of keywords that occur <em>as a substring</em> of the lower-cased matched text,
 *       each keyword (occurrence in the query) counting 1 however often it occurs in the text; so {@code is}
 *       matches {@code "this"}. The matched text is the chunk's {@link IndexText#of(Chunk) index text},
 *       {@code title + "\n" + text} (just the text when the title is blank: the seed's documents are bare strings; a
 *       keyword never holds whitespace, so the separator only keeps a keyword from spanning title and text).</li>
 *   <li><b>Zero scores</b> are not returned ({@code if score > 0}): a query matching nothing, an empty or
 *       whitespace query included, returns an empty list.</li>
 *   <li><b>Order</b>: by score, highest first; equal scores keep insertion order, as Python's stable sort does:
 *       documents in the order they were first upserted (re-upserting a document replaces it in place, like
 *       assigning to a list element; deleting and re-adding it moves it to the end), and a document's chunks in
 *       order. The seed takes the top 2; this takes {@code query.topK()}.</li>
 * </ul>
 * The score is that count as a {@code double}; there are no highlights. Beyond the seed: metadata filters (applied
 * before ranking), upsert/delete by id, and optional chunking (the seed scores whole documents, which is the
 * default, {@link Chunker#none()}).
 *
 * <p>The only known difference from CPython 3.11's {@code lower()}: Java 17 knows Unicode 13, so the 40 upper-case
 * letters added in Unicode 14 (e.g. U+2C2F, U+10570..) are not lower-cased.
 *
 * <p>Thread-safe: searches share a read lock, upserts and deletes take the write lock (documents are chunked and
 * lower-cased before it is taken). A closed retriever throws {@link IllegalStateException}.
 */
public final class KeywordRetriever implements Retriever {
    /** The provider name. */
    public static final String NAME = "keyword";

    private final Chunker chunker;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Document id → its entry, in insertion order (a replaced document keeps its place). */
    private final LinkedHashMap<String, Entry> documents = new LinkedHashMap<>();
    private boolean closed;

    private KeywordRetriever(Builder b) {
        this.chunker = b.chunker;
    }

    /** A keyword retriever over whole documents, as the seed. */
    public static KeywordRetriever create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The chunker documents go through on upsert. */
    public Chunker chunker() {
        return chunker;
    }

    /**
     * The seed's keywords of a query: lower-cased, split on whitespace as Python's {@code str.split()}, duplicates
     * kept.
     */
    public static List<String> keywords(String query) {
        String lower = query.toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = lower.length();
        while (i < n) {
            while (i < n && isPythonWhitespace(lower.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isPythonWhitespace(lower.charAt(i))) {
                i++;
            }
            if (i > start) {
                words.add(lower.substring(start, i));
            }
        }
        return words;
    }

    /**
     * Python's {@code str.isspace()}: Java's whitespace plus the space separators it leaves out (U+00A0, U+2007,
     * U+202F) and NEL (U+0085). Every such character is in the BMP.
     */
    static boolean isPythonWhitespace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** The seed's score of a text for these keywords: how many of them occur in its lower-cased form. */
    public static int score(List<String> keywords, String text) {
        return scoreLowered(keywords, text.toLowerCase(Locale.ROOT));
    }

    private static int scoreLowered(List<String> keywords, String lowered) {
        int score = 0;
        for (String k : keywords) {
            if (lowered.contains(k)) {
                score++;
            }
        }
        return score;
    }

    @Override
    public List<RetrievedChunk> retrieve(RetrievalQuery query) {
        Objects.requireNonNull(query, "query");
        List<String> keywords = keywords(query.text());
        int topK = query.topK();
        Map<String, Set<String>> filters = query.filters();
        PriorityQueue<Hit> best = new PriorityQueue<>(Math.min(topK, 1024) + 1, Hit.WORST_FIRST);
        lock.readLock().lock();
        try {
            ensureOpen();
            if (keywords.isEmpty()) {
                return List.of();
            }
            long order = 0;
            for (Entry e : documents.values()) {
                if (!matches(e.metadata, filters)) {
                    order += e.chunks.size();
                    continue;
                }
                for (int i = 0; i < e.chunks.size(); i++, order++) {
                    int score = scoreLowered(keywords, e.lowered[i]);
                    if (score == 0) {
                        continue;
                    }
                    if (best.size() < topK) {
                        best.add(new Hit(e.chunks.get(i), score, order));
                    } else if (score > best.peek().score) {
                        best.poll();
                        best.add(new Hit(e.chunks.get(i), score, order));
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        List<Hit> hits = new ArrayList<>(best);
        hits.sort(Collections.reverseOrder(Hit.WORST_FIRST));
        List<RetrievedChunk> out = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            out.add(new RetrievedChunk(h.chunk, h.score, out.size() + 1, NAME, null));
        }
        return out;
    }

    private static boolean matches(Map<String, String> metadata, Map<String, Set<String>> filters) {
        for (Map.Entry<String, Set<String>> f : filters.entrySet()) {
            String v = metadata.get(f.getKey());
            if (v == null || !f.getValue().contains(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void upsert(Collection<Document> docs) {
        Objects.requireNonNull(docs, "documents");
        LinkedHashMap<String, Entry> prepared = new LinkedHashMap<>();
        for (Document d : docs) {
            Objects.requireNonNull(d, "document");
            List<Chunk> chunks = List.copyOf(chunker.chunk(d));
            String[] lowered = new String[chunks.size()];
            for (int i = 0; i < lowered.length; i++) {
                lowered[i] = IndexText.of(chunks.get(i)).toLowerCase(Locale.ROOT);
            }
            prepared.put(d.id(), new Entry(d.metadata(), chunks, lowered));
        }
        lock.writeLock().lock();
        try {
            ensureOpen();
            documents.putAll(prepared);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void delete(Collection<String> documentIds) {
        Objects.requireNonNull(documentIds, "documentIds");
        lock.writeLock().lock();
        try {
            ensureOpen();
            for (String id : documentIds) {
                documents.remove(Objects.requireNonNull(id, "document id"));
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public long count() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return documents.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Drops the documents; later calls fail. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            documents.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the keyword retriever is closed");
        }
    }

    @Override
    public String toString() {
        return "KeywordRetriever[chunker=" + chunker + "]";
    }

    private record Entry(Map<String, String> metadata, List<Chunk> chunks, String[] lowered) {
    }

    private record Hit(Chunk chunk, int score, long order) {
        /** Lower score first; on equal scores the later one first (it is the worse under a stable sort). */
        static final java.util.Comparator<Hit> WORST_FIRST = (a, b) -> a.score != b.score
                ? Integer.compare(a.score, b.score) : Long.compare(b.order, a.order);
    }

    /** Builds a {@link KeywordRetriever}. */
    public static final class Builder {
        private Chunker chunker = Chunker.none();

        private Builder() {
        }

        /** How documents are cut into the units that are scored (default: whole documents, as the seed). */
        public Builder chunker(Chunker chunker) {
            this.chunker = Objects.requireNonNull(chunker, "chunker");
            return this;
        }

        public KeywordRetriever build() {
            return new KeywordRetriever(this);
        }
    }
}
