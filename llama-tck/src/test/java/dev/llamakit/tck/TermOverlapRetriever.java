package dev.llamakit.tck;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The reference retriever the contract kit is tested with: in memory, brute force. A chunk's score is the number of
 * distinct query terms found among its terms (title and chunk text; terms are lower-cased runs of letters and
 * digits); chunks scoring 0 are not hits; ties go to the smaller document id, then the earlier chunk. Thread-safe
 * through a read-write lock; after {@link #close()} every use throws {@link IllegalStateException}.
 */
final class TermOverlapRetriever implements Retriever {

    /** How documents are cut into chunks. */
    enum Chunking {
        /** One chunk per sentence (ends at {@code .}, {@code !} or {@code ?} before white space), text = document slice. */
        SENTENCES,
        /** The whole document as one chunk ({@link Chunk#whole}). */
        WHOLE,
        /** One chunk per sentence, its text the document title, a new line and the slice (not a document substring). */
        TITLE_PREFIXED
    }

    private record Entry(Chunk chunk, Set<String> terms) {
    }

    private final String name;
    private final Chunking chunking;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, List<Entry>> byDocument = new TreeMap<>();
    private boolean closed;

    TermOverlapRetriever(String name, Chunking chunking) {
        this.name = Objects.requireNonNull(name, "name");
        this.chunking = Objects.requireNonNull(chunking, "chunking");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<RetrievedChunk> retrieve(RetrievalQuery query) {
        Objects.requireNonNull(query, "query");
        Set<String> wanted = new LinkedHashSet<>(terms(query.text()));
        lock.readLock().lock();
        try {
            checkOpen();
            if (wanted.isEmpty()) {
                return List.of();
            }
            record Scored(Entry entry, int score) {
            }
            List<Scored> scored = new ArrayList<>();
            for (List<Entry> entries : byDocument.values()) {
                for (Entry e : entries) {
                    if (!matches(e.chunk().metadata(), query.filters())) {
                        continue;
                    }
                    int score = 0;
                    for (String t : wanted) {
                        if (e.terms().contains(t)) {
                            score++;
                        }
                    }
                    if (score > 0) {
                        scored.add(new Scored(e, score));
                    }
                }
            }
            // byDocument is sorted by id and each list by index, and the sort is stable: ties keep that order
            scored.sort(Comparator.comparingInt(Scored::score).reversed());
            List<RetrievedChunk> hits = new ArrayList<>();
            for (int i = 0; i < scored.size() && i < query.topK(); i++) {
                hits.add(new RetrievedChunk(scored.get(i).entry().chunk(), scored.get(i).score(), i + 1, name, null));
            }
            return hits;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void upsert(Collection<Document> documents) {
        List<Document> docs = List.copyOf(documents);
        Map<String, List<Entry>> prepared = new TreeMap<>();
        for (Document d : docs) {
            List<Entry> entries = new ArrayList<>();
            for (Chunk c : chunk(d)) {
                entries.add(new Entry(c, new HashSet<>(terms(c.title() + " " + c.text()))));
            }
            prepared.put(d.id(), List.copyOf(entries));
        }
        lock.writeLock().lock();
        try {
            checkOpen();
            byDocument.putAll(prepared);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void delete(Collection<String> documentIds) {
        List<String> ids = List.copyOf(documentIds);
        lock.writeLock().lock();
        try {
            checkOpen();
            ids.forEach(byDocument::remove);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public long count() {
        lock.readLock().lock();
        try {
            checkOpen();
            return byDocument.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            byDocument.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("retriever '" + name + "' is closed");
        }
    }

    private static boolean matches(Map<String, String> metadata, Map<String, Set<String>> filters) {
        for (Map.Entry<String, Set<String>> f : filters.entrySet()) {
            String value = metadata.get(f.getKey());
            if (value == null || !f.getValue().contains(value)) {
                return false;
            }
        }
        return true;
    }

    List<Chunk> chunk(Document d) {
        if (chunking == Chunking.WHOLE) {
            return List.of(Chunk.whole(d));
        }
        String text = d.text();
        List<int[]> spans = new ArrayList<>();
        int start = skipSpace(text, 0);
        for (int i = start; i < text.length(); i++) {
            char ch = text.charAt(i);
            if ((ch == '.' || ch == '!' || ch == '?') && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1)))) {
                spans.add(new int[] {start, i + 1});
                start = skipSpace(text, i + 1);
                i = start - 1;
            }
        }
        if (start < text.length()) {
            int end = text.length();
            while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            spans.add(new int[] {start, end});
        }
        if (spans.isEmpty()) {
            spans.add(new int[] {0, text.length()});
        }
        List<Chunk> chunks = new ArrayList<>();
        for (int[] s : spans) {
            int index = chunks.size();
            String slice = text.substring(s[0], s[1]);
            String chunkText = chunking == Chunking.TITLE_PREFIXED ? d.title() + "\n" + slice : slice;
            chunks.add(new Chunk(Chunk.idOf(d.id(), index), d.id(), index, d.title(), chunkText, s[0], s[1], d.metadata()));
        }
        return chunks;
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Lower-cased runs of letters and digits. */
    static List<String> terms(String text) {
        List<String> terms = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (Character.isLetterOrDigit(cp)) {
                current.appendCodePoint(cp);
            } else if (current.length() > 0) {
                terms.add(current.toString().toLowerCase(Locale.ROOT));
                current.setLength(0);
            }
        });
        if (current.length() > 0) {
            terms.add(current.toString().toLowerCase(Locale.ROOT));
        }
        return terms;
    }
}
