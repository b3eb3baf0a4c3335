package dev.llamakit.tck;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/** The reference retriever with one deliberate {@link Fault}, for {@link RetrieverContractSelfTest}. */
final class FaultyRetriever implements Retriever {

    /** A way to break a retriever. */
    enum Fault {
        /** No fault: the control. */
        NONE,
        IGNORES_TOP_K,
        RETURNS_NON_MATCHING,
        TIE_BREAK_VARIES_WITH_TOP_K,
        RANKS_FROM_TWO,
        ASCENDING_SCORES,
        RANDOM_TIE_BREAK,
        WORST_FIRST_FOR_SINGLE_WORD,
        KEEPS_OLD_CHUNKS,
        COUNT_GROWS_ON_UPSERT,
        IGNORES_DELETE,
        DELETE_HIDES_ONLY_FROM_COUNT,
        UNKNOWN_ID_DELETE_FAILS,
        NOT_EMPTY_WHEN_EMPTY,
        THROWS_ON_QUERY_SYNTAX,
        THROWS_ON_BLANK,
        IGNORES_FILTERS,
        FILTERS_AFTER_TOP_K,
        CHANGES_CHUNK_TEXT,
        SHIFTED_OFFSETS,
        WRONG_RETRIEVER_NAME,
        DROPS_METADATA,
        /** Upserts show a half-written document for a few milliseconds. */
        UNSYNCHRONIZED,
        USABLE_AFTER_CLOSE,
        SECOND_CLOSE_THROWS
    }

    private final TermOverlapRetriever inner;
    private final TermOverlapRetriever stale;
    private final Fault fault;
    private final Map<String, Document> current = new ConcurrentHashMap<>();
    private final Random random = new Random();
    private long extraCount;
    private int closes;

    FaultyRetriever(TermOverlapRetriever inner, Fault fault) {
        this.inner = inner;
        this.fault = fault;
        this.stale = new TermOverlapRetriever("faulty", TermOverlapRetriever.Chunking.SENTENCES);
    }

    @Override
    public String name() {
        return "faulty";
    }

    @Override
    public List<RetrievedChunk> retrieve(RetrievalQuery query) {
        switch (fault) {
            case THROWS_ON_QUERY_SYNTAX -> {
                if (query.text().contains("\"") || query.text().contains("(")) {
                    throw new IllegalArgumentException("parse error: " + query.text());
                }
            }
            case THROWS_ON_BLANK -> {
                if (query.text().isBlank()) {
                    throw new IllegalArgumentException("empty query");
                }
            }
            case NOT_EMPTY_WHEN_EMPTY -> {
                if (inner.count() == 0) {
                    return List.of(new RetrievedChunk(new Chunk("ghost#0", "ghost", 0, "", "", 0, 0, Map.of()), 1, 1,
                            name(), null));
                }
            }
            default -> {
            }
        }
        RetrievalQuery asked = query;
        if (fault == Fault.IGNORES_FILTERS || fault == Fault.FILTERS_AFTER_TOP_K) {
            asked = RetrievalQuery.of(query.text(), query.topK());
        }
        if (fault == Fault.IGNORES_TOP_K || fault == Fault.RETURNS_NON_MATCHING || fault == Fault.TIE_BREAK_VARIES_WITH_TOP_K) {
            asked = copy(query, 10_000);
        }
        List<RetrievedChunk> hits = new ArrayList<>(inner.retrieve(asked));
        if (fault == Fault.KEEPS_OLD_CHUNKS) {
            hits.addAll(stale.retrieve(asked));
            hits.sort(Comparator.comparingDouble(RetrievedChunk::score).reversed());
        }
        if (fault == Fault.FILTERS_AFTER_TOP_K) {
            hits = new ArrayList<>(hits.subList(0, Math.min(hits.size(), query.topK())));
            hits.removeIf(h -> query.filters().entrySet().stream()
                    .anyMatch(f -> !f.getValue().contains(h.chunk().metadata().get(f.getKey()))));
        }
        if (fault == Fault.RETURNS_NON_MATCHING) {
            for (Document d : current.values()) {
                if (hits.stream().noneMatch(h -> h.chunk().documentId().equals(d.id()))) {
                    hits.add(new RetrievedChunk(inner.chunk(d).get(0), 0, 1, name(), null));
                }
            }
        }
        if (fault == Fault.TIE_BREAK_VARIES_WITH_TOP_K && query.topK() < 10_000) {
            hits.sort(Comparator.comparingDouble(RetrievedChunk::score).reversed()
                    .thenComparing(h -> h.chunk().id(), Comparator.reverseOrder()));
        }
        if (fault == Fault.ASCENDING_SCORES) {
            hits.sort(Comparator.comparingDouble(RetrievedChunk::score));
        }
        if (fault == Fault.RANDOM_TIE_BREAK) {
            Collections.shuffle(hits, random);
            hits.sort(Comparator.comparingDouble(RetrievedChunk::score).reversed());
        }
        if (fault == Fault.WORST_FIRST_FOR_SINGLE_WORD && !query.text().contains(" ") && hits.size() > 1) {
            Collections.reverse(hits);
        }
        if (fault == Fault.WORST_FIRST_FOR_SINGLE_WORD && !query.text().contains(" ") && hits.size() == 1) {
            String found = hits.get(0).chunk().documentId();
            Document other = current.values().stream().filter(d -> !d.id().equals(found)).findFirst().orElse(null);
            if (other != null) {
                hits.add(0, new RetrievedChunk(inner.chunk(other).get(0), hits.get(0).score(), 1, name(), null));
            }
        }
        int limit = fault == Fault.IGNORES_TOP_K ? hits.size() : Math.min(hits.size(), query.topK());
        List<RetrievedChunk> out = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            RetrievedChunk h = hits.get(i);
            Chunk c = h.chunk();
            c = switch (fault) {
                case CHANGES_CHUNK_TEXT -> new Chunk(c.id(), c.documentId(), c.index(), c.title(),
                        c.text().toUpperCase(Locale.ROOT), c.start(), c.end(), c.metadata());
                case SHIFTED_OFFSETS -> new Chunk(c.id(), c.documentId(), c.index(), c.title(), c.text(),
                        c.start() + 1, c.end() + 1, c.metadata());
                case DROPS_METADATA -> new Chunk(c.id(), c.documentId(), c.index(), c.title(), c.text(), c.start(),
                        c.end(), Map.of());
                default -> c;
            };
            int rank = fault == Fault.RANKS_FROM_TWO ? i + 2 : i + 1;
            String retriever = fault == Fault.WRONG_RETRIEVER_NAME ? "other" : name();
            out.add(new RetrievedChunk(c, h.score(), rank, retriever, h.highlight()));
        }
        return out;
    }

    private static RetrievalQuery copy(RetrievalQuery q, int topK) {
        RetrievalQuery.Builder b = RetrievalQuery.builder(q.text()).topK(topK);
        q.filters().forEach((k, v) -> b.filter(k, v.toArray(String[]::new)));
        return b.build();
    }

    @Override
    public void upsert(Collection<Document> documents) {
        if (fault == Fault.UNSYNCHRONIZED) {
            // readers may see a half-written index: the document is deleted before it is added again
            inner.delete(documents.stream().map(Document::id).toList());
            Thread.yield();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inner.upsert(documents.stream().map(d -> d.toBuilder().text("HALF " + d.text()).build()).toList());
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Document d : documents) {
            Document before = current.put(d.id(), d);
            if (before != null && fault == Fault.KEEPS_OLD_CHUNKS) {
                stale.upsert(List.of(before));
            }
            if (before != null && fault == Fault.COUNT_GROWS_ON_UPSERT) {
                extraCount++;
            }
        }
        inner.upsert(documents);
    }

    @Override
    public void delete(Collection<String> documentIds) {
        if (fault == Fault.UNKNOWN_ID_DELETE_FAILS) {
            for (String id : documentIds) {
                if (!current.containsKey(id)) {
                    throw new IllegalArgumentException("unknown document " + id);
                }
            }
        }
        if (fault == Fault.IGNORES_DELETE) {
            return;
        }
        documentIds.forEach(current::remove);
        if (fault == Fault.DELETE_HIDES_ONLY_FROM_COUNT) {
            extraCount -= documentIds.size();
            return;
        }
        inner.delete(documentIds);
    }

    @Override
    public long count() {
        return inner.count() + extraCount;
    }

    @Override
    public void close() {
        if (fault == Fault.USABLE_AFTER_CLOSE) {
            return;
        }
        if (fault == Fault.SECOND_CLOSE_THROWS && closes++ > 0) {
            throw new IllegalStateException("already closed");
        }
        inner.close();
        stale.close();
    }
}
