package dev.llamakit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.llamakit.client.error.LlamaException;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link Retriever} keeps. Extend it in your tests and return a fresh, empty retriever from
 * {@link #newRetriever()}; each rule indexes the {@link SampleCorpus} (or part of it) into a new retriever, and every
 * retriever the contract opens is closed after the test.
 *
 * <pre>{@code
 * class Bm25ContractTest extends RetrieverContract {
 *     protected Retriever newRetriever() { return Retrievers.create("bm25", Map.of()); }
 * }
 * }</pre>
 *
 * <p>Every result the contract sees is checked to be <em>well-formed</em> (see
 * {@link #assertWellFormed(Retriever, RetrievalQuery, List, Map)}): at most {@code topK} hits, ranks 1..n, finite
 * scores that never increase, no chunk twice, {@code retriever()} equal to {@link Retriever#name()}, every chunk
 * belonging to an indexed document (its id {@code <documentId>#<index>}, its title, its metadata, its offsets and
 * text matching that document's current version), and every metadata filter satisfied.
 *
 * <p>The rules (one test each):
 * <ul>
 *   <li>an empty index counts 0 and finds nothing;</li>
 *   <li>the same query twice gives the same hits, scores and ranks;</li>
 *   <li>never more than {@code topK} hits, exactly {@code min(topK, matches)}; {@code topK} 1 gives the best hit of
 *       {@code topK} 10; a huge {@code topK} returns only documents that contain a query word (no zero-score
 *       padding) and every document that does;</li>
 *   <li>a word found in one document only ranks that document first;</li>
 *   <li>upsert replaces: old words, old metadata and every old chunk gone, new text found, count unchanged;</li>
 *   <li>delete removes: deleted ids never come back, count decreases, unknown ids are a no-op, re-adding works;</li>
 *   <li>empty, blank, punctuation, query-syntax, 10,000-character (including about 2,000 distinct words: more than
 *       Lucene's default 1,024 boolean clauses) and odd-Unicode queries never throw;</li>
 *   <li>metadata filters: values of a key OR'ed, keys AND'ed, applied inside the search (a filtered top 3 holds 3
 *       hits when 3 documents match), a filter matching nothing gives no hits (not the documents that match only
 *       the filter), values compared exactly;</li>
 *   <li>hits carry their chunk (id, title, metadata, offsets, text), {@code retriever()} equals
 *       {@code name()}, and {@code name()} is lower case with dashes;</li>
 *   <li>4 threads searching while 1 thread upserts and deletes batches see only well-formed results, and the final
 *       state is consistent;</li>
 *   <li>after close every method but {@code name()} and {@code close()} throws {@link IllegalStateException} or
 *       {@link LlamaException}; closing twice is harmless.</li>
 * </ul>
 *
 * <p>Rules are written so that both a naive lower-cased word/substring matcher (the {@code keyword} baseline) and a
 * stemming, stop-word-removing analyzer (BM25) can keep them: queries that must find something use the corpus'
 * marker words (lower-case single words found in exactly one document). Retrievers that legitimately differ adjust
 * the protected hooks: {@link #chunkTextIsDocumentSubstring()}, {@link #topKResultsArePrefixes()},
 * {@link #concurrentWriteRounds()}, {@link #onlyMatchingChunksAreHits()}.
 */
public abstract class RetrieverContract {
    /** The odd queries every retriever must survive; see {@link #oddQueries()}. */
    private static final List<String> ODD_QUERIES = buildOddQueries();

    /** How many leading documents must hold both documents of a two-word query, for a dense retriever. */
    private static final int DENSE_LEADING = 5;

    private final List<Retriever> opened = new ArrayList<>();

    /** A new, empty retriever; the contract closes it after the test. */
    protected abstract Retriever newRetriever();

    /**
     * Whether a hit's chunk text is exactly the slice of its document's text at the chunk's offsets
     * ({@code document.text().substring(chunk.start(), chunk.end()).equals(chunk.text())}). Default {@code true}.
     * A retriever whose chunks document another rule (for example the title prepended to the text) returns
     * {@code false}; then the chunk text need only <em>contain</em> that slice. Offsets must lie within the
     * document's text either way.
     */
    protected boolean chunkTextIsDocumentSubstring() {
        return true;
    }

    /**
     * Whether the hits for {@code topK = k} are exactly the first {@code k} hits for a larger {@code topK}, which is
     * what an exact top-k search with a stable tie-break gives. Default {@code true}; an approximate
     * (nearest-neighbour) retriever may return {@code false}. The best hit for {@code topK = 1} must equal the first
     * hit for {@code topK = 10} either way.
     */
    protected boolean topKResultsArePrefixes() {
        return true;
    }

    /**
     * Whether only chunks that share a word with the query are hits, as with a keyword or BM25 retriever. Default
     * {@code true}. A dense (vector) or hybrid retriever, which ranks every chunk by similarity, returns
     * {@code false}; the rules then check the ranking instead of the exact set of hits: a word found in one document
     * only ranks that document first (instead of finding it alone), two such words rank their two documents among
     * the first five,
     * a replaced document is not the best hit for a word of its old text, and a filtered query never returns a
     * document the filter excludes; but a query whose words no document contains need not find nothing. Results
     * are checked to be well-formed either way (every hit's text, title and metadata those of the document's current
     * version, so replaced or deleted text never comes back).
     */
    protected boolean onlyMatchingChunksAreHits() {
        return true;
    }

    /**
     * How many batches the writer thread of the concurrency rule upserts (5 new documents, a replaced document and,
     * from the second batch on, a delete of 3 documents per batch). Default 20; lower it for a slow on-disk index.
     */
    protected int concurrentWriteRounds() {
        return 20;
    }

    /** A new retriever from {@link #newRetriever()}, closed after the test. For rules of your own. */
    protected final Retriever retriever() {
        Retriever r = newRetriever();
        assertThat(r).as("newRetriever()").isNotNull();
        opened.add(r);
        return r;
    }

    /** A new retriever holding the whole {@link SampleCorpus} (upserted in batches of 10), closed after the test. */
    protected final Retriever indexedRetriever() {
        Retriever r = retriever();
        List<Document> docs = SampleCorpus.documents();
        for (int i = 0; i < docs.size(); i += 10) {
            r.upsert(docs.subList(i, Math.min(docs.size(), i + 10)));
        }
        assertThat(r.count()).as("count() after indexing the sample corpus").isEqualTo(docs.size());
        return r;
    }

    @AfterEach
    void closeRetrievers() {
        RuntimeException failure = null;
        for (Retriever r : opened) {
            try {
                r.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Queries that are empty, blank, only punctuation, full of query-language syntax, very long (10,000 characters:
     * a few words repeated, about 2,000 distinct words, one 10,000-character word), or unusual Unicode (emoji,
     * CJK, RTL, combining marks, zero-width characters, a lone surrogate, NUL).
     */
    protected static List<String> oddQueries() {
        return ODD_QUERIES;
    }

    private static List<String> buildOddQueries() {
        List<String> q = new ArrayList<>(List.of(
                "", " ", "   ", "\t\n\r", "?!.,", "...", "-", "*", "\"", "\\", "'", "()", "&&", "||",
                "title:(foo AND bar)^2 \"unclosed",
                "penguins AND OR NOT",
                "+(-[{}]) ~2 /regex.*/ && || ! ^ : ?",
                "a* b? c~0.8 \"d e\"~3 [f TO g] {h TO i} field:value",
                "text:lagoon^10 OR title:\"Venice\"",
                "the of and to a in is it",
                "\u0000", "nul\u0000in the middle",
                "\uD83E\uDD99\uD83E\uDD99\uD83E\uDD99",
                "\uD83E\uDD99 penguins \uD83D\uDE80 nebula",
                "\u5317\u4eac \u6771\u4eac \uc11c\uc6b8",
                "\u00dcn\u00efc\u00f6d\u00e9 \u00e7af\u00e9 na\u00efve",
                "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
                "z\u0301 e\u0301 a\u030a",
                "\u200B\u200D\uFEFF",
                "lone \uD83D surrogate",
                "K\u00e4sesp\u00e4tzle Stra\u00dfe RINGSTRASSE"));
        StringBuilder repeated = new StringBuilder();
        while (repeated.length() < 10_000) {
            repeated.append("penguins lagoon saffron nebula ");
        }
        q.add(repeated.substring(0, 10_000));
        StringBuilder distinct = new StringBuilder();
        for (int i = 0; distinct.length() < 10_000; i++) {
            distinct.append('k').append((char) ('a' + i / 676 % 26)).append((char) ('a' + i / 26 % 26))
                    .append((char) ('a' + i % 26)).append(' ');
        }
        q.add(distinct.substring(0, 10_000));
        q.add("x".repeat(10_000));
        return List.copyOf(q);
    }

    // ---------------------------------------------------------------- rules

    @Test
    @DisplayName("an empty index counts 0 and finds nothing, for any query")
    void emptyIndex() {
        Retriever r = retriever();
        assertThat(r.count()).isZero();
        List<RetrievalQuery> queries = new ArrayList<>();
        for (String text : List.of(SampleCorpus.broadQuery(), "penguins", "", SampleCorpus.NOWHERE, "the")) {
            queries.add(RetrievalQuery.of(text, 10));
            queries.add(RetrievalQuery.of(text, 10_000));
        }
        queries.add(RetrievalQuery.builder("penguins").filter(SampleCorpus.TOPIC, "animals").build());
        for (RetrievalQuery q : queries) {
            assertThat(r.retrieve(q)).as("hits for %s on an empty index", q).isEmpty();
        }
        assertThat(r.retrieve("penguins", 3)).isEmpty();
        r.delete(List.of("animals-01", "nobody"));
        r.upsert(List.of());
        r.delete(List.of());
        assertThat(r.count()).isZero();
        assertThat(r.retrieve("penguins", 10)).isEmpty();
    }

    @Test
    @DisplayName("the same query twice gives the same hits, scores and ranks; ranks count from 1, scores never increase")
    void deterministic() {
        Retriever r = indexedRetriever();
        List<String> queries = new ArrayList<>();
        queries.add(SampleCorpus.broadQuery());
        queries.add("penguins lagoon saffron nebula");
        queries.add("Winter im Herbst");
        SampleCorpus.ids().forEach(id -> queries.add(SampleCorpus.marker(id)));
        queries.addAll(oddQueries());
        for (String text : queries) {
            for (int k : new int[] {1, 5, 10_000}) {
                RetrievalQuery q = RetrievalQuery.of(text, k);
                List<RetrievedChunk> first = search(r, q, corpusModel());
                List<RetrievedChunk> second = search(r, q, corpusModel());
                assertThat(summary(second)).as("second run of %s", q).isEqualTo(summary(first));
            }
        }
    }

    @Test
    @DisplayName("never more than topK hits; topK 1 gives the best hit of topK 10; a larger topK returns only matching documents")
    void topKBounds() {
        Retriever r = indexedRetriever();
        Map<String, Document> model = corpusModel();
        List<RetrievedChunk> all = search(r, RetrievalQuery.of(SampleCorpus.broadQuery(), 10_000), model);
        assertThat(distinctDocumentIds(all)).as("documents found by a query naming one marker of each")
                .containsExactlyInAnyOrderElementsOf(SampleCorpus.ids());
        for (int k : new int[] {1, 2, 3, 5, 10, 31, 32, 33, 100, 10_000}) {
            List<RetrievedChunk> hits = search(r, RetrievalQuery.of(SampleCorpus.broadQuery(), k), model);
            assertThat(hits).as("hits for topK %d when %d match", k, all.size()).hasSize(Math.min(k, all.size()));
            if (topKResultsArePrefixes()) {
                assertThat(chunkIds(hits)).as("hits for topK %d are the first %d hits for topK 10000", k, k)
                        .isEqualTo(chunkIds(all.subList(0, hits.size())));
            }
        }
        List<String> queries = new ArrayList<>(List.of(SampleCorpus.broadQuery(), "penguins lagoon",
                "saffron risotto paella kimchi", "Winter im Herbst"));
        SampleCorpus.ids().forEach(id -> queries.add(String.join(" ", SampleCorpus.markers(id))));
        for (String text : queries) {
            List<RetrievedChunk> ten = search(r, RetrievalQuery.of(text, 10), model);
            List<RetrievedChunk> one = search(r, RetrievalQuery.of(text, 1), model);
            assertThat(one).as("topK 1 for '%s'", text).hasSize(ten.isEmpty() ? 0 : 1);
            if (!ten.isEmpty()) {
                assertThat(one.get(0).chunk().id()).as("best hit of topK 1 vs topK 10 for '%s'", text)
                        .isEqualTo(ten.get(0).chunk().id());
                assertThat(one.get(0).score()).as("best score of topK 1 vs topK 10 for '%s'", text)
                        .isCloseTo(ten.get(0).score(), Offset.offset(1e-6 * Math.max(1, Math.abs(ten.get(0).score()))));
            }
        }
        for (String id : SampleCorpus.ids()) {
            String marker = SampleCorpus.marker(id);
            assertThat(leading(distinctDocumentIds(search(r, RetrievalQuery.of(marker, 10_000), model)), 1))
                    .as("documents found by '%s', a word only %s contains", marker, id).containsExactly(id);
        }
        assertFindsBoth(distinctDocumentIds(search(r, RetrievalQuery.of("penguins lagoon", 10_000), model)),
                "penguins lagoon", "animals-01", "cities-04");
        List<RetrievedChunk> nowhere = search(r, RetrievalQuery.of(SampleCorpus.NOWHERE, 10_000), model);
        if (onlyMatchingChunksAreHits()) {
            assertThat(nowhere).as("hits for a word no document contains").isEmpty();
        }
    }

    @Test
    @DisplayName("a query of words found in only one document ranks that document first")
    void relevance() {
        Retriever r = indexedRetriever();
        Map<String, Document> model = corpusModel();
        for (String id : SampleCorpus.ids()) {
            List<String> markers = SampleCorpus.markers(id);
            List<String> queries = new ArrayList<>(markers);
            queries.add(String.join(" ", markers));
            queries.add(markers.get(0).substring(0, 1).toUpperCase(Locale.ROOT) + markers.get(0).substring(1));
            for (String text : queries) {
                List<RetrievedChunk> hits = search(r, RetrievalQuery.of(text, 5), model);
                assertThat(hits).as("hits for '%s' (only in %s)", text, id).isNotEmpty();
                assertThat(hits.get(0).chunk().documentId()).as("best hit for '%s' (only in %s)", text, id).isEqualTo(id);
            }
            String marker = markers.get(0);
            Chunk best = search(r, RetrievalQuery.of(marker, 5), model).get(0).chunk();
            assertThat((best.title() + " " + best.text()).toLowerCase(Locale.ROOT))
                    .as("the best chunk for '%s' holds the word", marker).contains(marker);
        }
        List<RetrievedChunk> two = search(r, RetrievalQuery.of("gondolas saffron", 10), model);
        assertFindsBoth(distinctDocumentIds(two), "gondolas saffron", "cities-04", "cooking-05");
    }

    @Test
    @DisplayName("upserting a document with a known id replaces it: old text and all old chunks gone, new text found, count unchanged")
    void upsertReplaces() {
        Retriever r = indexedRetriever();
        Map<String, Document> model = corpusModel();
        Document replacement = SampleCorpus.document("animals-01").toBuilder().title("Xylophone lessons")
                .text("A xylophone has rosewood bars tuned to a scale.").metadata(SampleCorpus.TOPIC, "music").build();
        r.upsert(List.of(replacement));
        model.put(replacement.id(), replacement);
        assertThat(r.count()).as("count after replacing a document").isEqualTo(SampleCorpus.documents().size());
        for (String old : SampleCorpus.markers("animals-01")) {
            assertThat(leading(documentIds(search(r, RetrievalQuery.of(old, 10_000), model)), 1))
                    .as("hits for '%s', a word of the replaced text", old).doesNotContain("animals-01");
        }
        List<RetrievedChunk> fresh = search(r, RetrievalQuery.of("xylophone", 10), model);
        assertThat(fresh).as("hits for a word of the new text").isNotEmpty();
        assertThat(fresh.get(0).chunk().documentId()).isEqualTo("animals-01");
        List<RetrievedChunk> oldTopic = search(r, RetrievalQuery.builder("xylophone").filter(SampleCorpus.TOPIC, "animals")
                .build(), model);
        assertThat(documentIds(oldTopic)).as("the old metadata no longer matches").doesNotContain("animals-01");
        if (onlyMatchingChunksAreHits()) {
            assertThat(oldTopic).as("the old metadata no longer matches").isEmpty();
        }
        assertThat(documentIds(search(r, RetrievalQuery.builder("xylophone").filter(SampleCorpus.TOPIC, "music").build(), model)))
                .as("the new metadata matches").contains("animals-01");
        search(r, RetrievalQuery.of(SampleCorpus.broadQuery() + " xylophone", 10_000), model);

        // re-upserting an unchanged document duplicates nothing
        List<String> before = chunkIds(search(r, RetrievalQuery.of("lagoon", 10_000), model));
        r.upsert(List.of(SampleCorpus.document("cities-04")));
        r.upsert(List.of());
        assertThat(r.count()).isEqualTo(SampleCorpus.documents().size());
        assertThat(chunkIds(search(r, RetrievalQuery.of("lagoon", 10_000), model))).as("hits after re-upserting the same document")
                .containsExactlyInAnyOrderElementsOf(before);

        // a long (multi-chunk) document replaced by a short one leaves none of its old chunks behind
        Document long1 = SampleCorpus.longDocument("long-01");
        r.upsert(List.of(long1));
        model.put(long1.id(), long1);
        assertThat(r.count()).isEqualTo(SampleCorpus.documents().size() + 1L);
        String allOld = IntStream.range(0, 150).mapToObj(i -> SampleCorpus.generatedWord("oldmark", i))
                .collect(Collectors.joining(" "));
        for (int i : new int[] {0, 75, 149}) {
            List<RetrievedChunk> hits = search(r, RetrievalQuery.of(SampleCorpus.generatedWord("oldmark", i), 5), model);
            assertThat(hits).as("hits for oldmark %d of the long document", i).isNotEmpty();
            assertThat(hits.get(0).chunk().documentId()).isEqualTo("long-01");
        }
        assertThat(search(r, RetrievalQuery.of(allOld, 10_000), model)).as("hits for every word of the long document").isNotEmpty();
        Document short1 = Document.builder("long-01").title("Now short").text("Only newmark0001 is left.")
                .metadata(SampleCorpus.LANG, "en").metadata(SampleCorpus.TOPIC, "long").build();
        r.upsert(List.of(short1));
        model.put(short1.id(), short1);
        assertThat(r.count()).isEqualTo(SampleCorpus.documents().size() + 1L);
        List<String> oldWordHits = documentIds(search(r, RetrievalQuery.of(allOld, 10_000), model));
        if (onlyMatchingChunksAreHits()) {
            assertThat(oldWordHits).as("hits for the words of the replaced long text").doesNotContain("long-01");
        }
        List<RetrievedChunk> now = search(r, RetrievalQuery.of("newmark0001 " + allOld, 10_000), model);
        assertThat(documentIds(now)).as("hits for the new short text").contains("long-01");
    }

    @Test
    @DisplayName("deleted documents never come back; count decreases; deleting unknown ids is a no-op")
    void deleteRemoves() {
        Retriever r = indexedRetriever();
        Map<String, Document> model = corpusModel();
        r.delete(List.of("animals-01", "cities-02"));
        model.remove("animals-01");
        model.remove("cities-02");
        int total = SampleCorpus.documents().size();
        assertThat(r.count()).as("count after deleting 2").isEqualTo(total - 2L);
        for (String id : List.of("animals-01", "cities-02")) {
            for (String marker : SampleCorpus.markers(id)) {
                assertThat(documentIds(search(r, RetrievalQuery.of(marker, 10_000), model)))
                        .as("hits for '%s' of deleted %s", marker, id).doesNotContain(id);
            }
        }
        List<RetrievedChunk> rest = search(r, RetrievalQuery.of(SampleCorpus.broadQuery(), 10_000), model);
        assertThat(distinctDocumentIds(rest)).as("documents left").containsExactlyInAnyOrderElementsOf(model.keySet());

        r.delete(List.of("no-such-document", "animals-01", "ANIMALS-02", "animals-0"));
        r.delete(List.of());
        assertThat(r.count()).as("count after deleting unknown ids").isEqualTo(total - 2L);
        assertThat(chunkIds(search(r, RetrievalQuery.of(SampleCorpus.broadQuery(), 10_000), model)))
                .as("hits after deleting unknown ids").containsExactlyInAnyOrderElementsOf(chunkIds(rest));

        r.upsert(List.of(SampleCorpus.document("animals-01")));
        model.put("animals-01", SampleCorpus.document("animals-01"));
        assertThat(r.count()).as("count after adding a deleted document again").isEqualTo(total - 1L);
        assertThat(search(r, RetrievalQuery.of("penguins", 5), model)).as("a deleted document added again is found")
                .isNotEmpty().first().satisfies(h -> assertThat(h.chunk().documentId()).isEqualTo("animals-01"));

        r.delete(List.copyOf(model.keySet()));
        model.clear();
        assertThat(r.count()).as("count after deleting everything").isZero();
        assertThat(search(r, RetrievalQuery.of(SampleCorpus.broadQuery(), 10_000), model)).isEmpty();
        assertThat(search(r, RetrievalQuery.of("penguins", 10), model)).isEmpty();
    }

    @Test
    @DisplayName("empty, blank, punctuation-only, query-syntax, 10k-character and odd-Unicode queries give well-formed results, never an exception")
    void oddQueriesAreSafe() {
        Retriever empty = retriever();
        Retriever r = indexedRetriever();
        Map<String, Document> model = corpusModel();
        for (String text : oddQueries()) {
            for (int k : new int[] {1, 10, 10_000}) {
                search(r, RetrievalQuery.of(text, k), model);
                assertThat(search(empty, RetrievalQuery.of(text, k), Map.of())).isEmpty();
            }
            search(r, RetrievalQuery.builder(text).topK(50).filter(SampleCorpus.LANG, "de").build(), model);
        }
    }

    @Test
    @DisplayName("metadata filters: only matching hits; values of one key OR'ed, keys AND'ed; nothing matching gives no hits")
    void metadataFilters() {
        Retriever r = indexedRetriever();
        Map<String, Document> model = corpusModel();
        String broad = SampleCorpus.broadQuery();
        assertThat(distinctDocumentIds(search(r, filtered(broad, 10_000, SampleCorpus.TOPIC, "space"), model)))
                .as("topic = space").containsExactlyInAnyOrderElementsOf(SampleCorpus.idsWhere(SampleCorpus.TOPIC, "space"));
        assertThat(distinctDocumentIds(search(r, filtered(broad, 10_000, SampleCorpus.TOPIC, "space", "cooking"), model)))
                .as("topic = space or cooking")
                .containsExactlyInAnyOrderElementsOf(SampleCorpus.idsWhere(SampleCorpus.TOPIC, "space", "cooking"));
        RetrievalQuery both = RetrievalQuery.builder(broad).topK(10_000).filter(SampleCorpus.TOPIC, "space")
                .filter(SampleCorpus.LANG, "de").build();
        assertThat(distinctDocumentIds(search(r, both, model))).as("topic = space and lang = de")
                .containsExactlyInAnyOrder("space-07", "space-08");
        RetrievalQuery orAnd = RetrievalQuery.builder(broad).topK(10_000).filter(SampleCorpus.TOPIC, "space", "animals")
                .filter(SampleCorpus.LANG, "de").build();
        assertThat(distinctDocumentIds(search(r, orAnd, model))).as("topic = space or animals, and lang = de")
                .containsExactlyInAnyOrder("space-07", "space-08", "animals-07", "animals-08");

        List<RetrievedChunk> three = search(r, filtered(broad, 3, SampleCorpus.LANG, "de"), model);
        assertThat(three).as("3 hits with lang = de (filters apply inside the search, not to the top hits after it)")
                .hasSize(3);

        assertThat(search(r, filtered(broad, 10_000, SampleCorpus.TOPIC, "gardening"), model)).as("an unknown topic").isEmpty();
        assertThat(search(r, filtered(broad, 10_000, "colour", "red"), model)).as("a key no document has").isEmpty();
        assertThat(search(r, RetrievalQuery.builder(broad).topK(10_000).filter(SampleCorpus.TOPIC, "space")
                .filter(SampleCorpus.LANG, "fr").build(), model)).as("topic = space and lang = fr").isEmpty();
        List<RetrievedChunk> german = search(r, filtered("penguins", 10, SampleCorpus.LANG, "de"), model);
        assertThat(documentIds(german)).as("an English-only word with lang = de").doesNotContain("animals-01");
        if (onlyMatchingChunksAreHits()) {
            assertThat(german).as("an English-only word with lang = de").isEmpty();
        }
        assertThat(search(r, filtered("penguins", 10, SampleCorpus.TOPIC, "Animals"), model))
                .as("filter values match exactly (case-sensitive)").isEmpty();
        assertThat(documentIds(search(r, filtered("penguins", 10, SampleCorpus.TOPIC, "animals"), model)))
                .contains("animals-01");
    }

    @Test
    @DisplayName("hits carry their chunk: an indexed document's id, title, metadata, offsets and text; retriever() is name()")
    void hitsCarryTheirChunk() {
        Retriever r = indexedRetriever();
        Map<String, Document> model = corpusModel();
        assertThat(r.name()).as("name()").isNotNull().matches("[a-z0-9]+(-[a-z0-9]+)*");
        List<RetrievedChunk> all = search(r, RetrievalQuery.of(SampleCorpus.broadQuery(), 10_000), model);
        assertThat(all).isNotEmpty();
        for (RetrievedChunk hit : all) {
            Chunk c = hit.chunk();
            Document doc = model.get(c.documentId());
            assertThat(doc).as("document of %s", c.id()).isNotNull();
            assertThat(hit.retriever()).isEqualTo(r.name());
            assertThat(c.id()).isEqualTo(Chunk.idOf(doc.id(), c.index()));
            assertThat(c.end()).as("end of %s", c.id()).isLessThanOrEqualTo(doc.text().length());
            if (chunkTextIsDocumentSubstring()) {
                assertThat(c.text()).as("text of %s", c.id()).isEqualTo(doc.text().substring(c.start(), c.end()));
            }
            assertThat(c.metadata()).as("metadata of %s", c.id()).containsAllEntriesOf(doc.metadata());
            hit.highlightIfAny().ifPresent(h -> assertThat(h).as("highlight of %s", c.id()).isNotNull());
        }
        Document long1 = SampleCorpus.longDocument("long-01");
        r.upsert(List.of(long1));
        model.put(long1.id(), long1);
        for (int i = 0; i < 150; i += 7) {
            String word = SampleCorpus.generatedWord("oldmark", i);
            List<RetrievedChunk> hits = search(r, RetrievalQuery.of(word, 3), model);
            assertThat(hits).as("hits for %s", word).isNotEmpty();
            Chunk c = hits.get(0).chunk();
            assertThat(c.documentId()).isEqualTo("long-01");
            assertThat(c.text()).as("the best chunk for %s holds the word", word).contains(word);
        }
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @DisplayName("4 threads searching while 1 thread upserts and deletes: no exception, well-formed hits, consistent final state")
    void concurrentReadsDuringWrites() throws Exception {
        Retriever r = indexedRetriever();
        Map<String, List<Document>> versions = new ConcurrentHashMap<>();
        SampleCorpus.documents().forEach(d -> versions.put(d.id(), new CopyOnWriteArrayList<>(List.of(d))));
        int rounds = Math.max(2, concurrentWriteRounds());
        Set<String> deleted = ConcurrentHashMap.newKeySet();
        Map<String, Document> finalModel = new ConcurrentHashMap<>(corpusModel());
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = 1_000 + t;
                readers.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    start.await();
                    int done = 0;
                    while (writing.get() || done < 25) {
                        RetrievalQuery q = randomQuery(random, rounds);
                        List<RetrievedChunk> hits = r.retrieve(q);
                        assertWellFormed(r, q, hits, id -> versions.getOrDefault(id, List.of()));
                        done++;
                    }
                    return done;
                }));
            }
            Future<?> writer = pool.submit(() -> {
                start.await();
                try {
                    List<String> previous = List.of();
                    for (int round = 0; round < rounds; round++) {
                        List<Document> batch = new ArrayList<>();
                        for (int i = 0; i < 5; i++) {
                            batch.add(extraDocument(round * 5 + i));
                        }
                        batch.forEach(d -> versions.put(d.id(), List.of(d)));
                        Document venice = veniceVersion(round);
                        versions.get(venice.id()).add(venice);
                        r.upsert(batch);
                        r.upsert(List.of(venice));
                        batch.forEach(d -> finalModel.put(d.id(), d));
                        finalModel.put(venice.id(), venice);
                        if (!previous.isEmpty()) {
                            List<String> gone = List.of(previous.get(0), previous.get(2), previous.get(4));
                            r.delete(gone);
                            deleted.addAll(gone);
                            gone.forEach(finalModel::remove);
                        }
                        previous = batch.stream().map(Document::id).toList();
                    }
                } finally {
                    writing.set(false);
                }
                return null;
            });
            start.countDown();
            unwrap(writer);
            for (Future<Integer> reader : readers) {
                assertThat(unwrap(reader)).as("queries run by a reader").isGreaterThanOrEqualTo(25);
            }
        } finally {
            writing.set(false);
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }

        assertThat(r.count()).as("count after the writes").isEqualTo(finalModel.size());
        for (int n = 0; n < rounds * 5; n++) {
            String id = extraId(n);
            List<RetrievedChunk> hits = search(r, RetrievalQuery.of(SampleCorpus.generatedWord("zorblat", n), 10), finalModel);
            if (deleted.contains(id)) {
                assertThat(documentIds(hits)).as("hits for deleted %s", id).doesNotContain(id);
            } else {
                assertThat(hits).as("hits for %s", id).isNotEmpty();
                assertThat(hits.get(0).chunk().documentId()).as("best hit for the marker of %s", id).isEqualTo(id);
            }
        }
        List<RetrievedChunk> venice = search(r, RetrievalQuery.of(SampleCorpus.generatedWord("venver", rounds - 1), 5), finalModel);
        assertThat(venice).as("hits for the last version of cities-04").isNotEmpty();
        assertThat(venice.get(0).chunk().documentId()).isEqualTo("cities-04");
        List<String> replacedWordHits = documentIds(search(r,
                RetrievalQuery.of(SampleCorpus.generatedWord("venver", 0) + " lagoon", 100), finalModel));
        if (onlyMatchingChunksAreHits()) {
            assertThat(replacedWordHits).as("hits for words of replaced versions of cities-04").doesNotContain("cities-04");
        }
        List<String> broad = distinctDocumentIds(search(r, RetrievalQuery.of(SampleCorpus.broadQuery(), 10_000), finalModel));
        if (onlyMatchingChunksAreHits()) {
            assertThat(broad).as("corpus documents after the writes (every version of cities-04 keeps the word 'venice')")
                    .containsExactlyInAnyOrderElementsOf(SampleCorpus.ids());
        } else {
            assertThat(broad).as("documents after the writes").containsAll(SampleCorpus.ids())
                    .doesNotContainAnyElementsOf(deleted).hasSize(finalModel.size());
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @DisplayName("after close, every use throws (IllegalStateException or LlamaException); closing twice is harmless")
    void closeIsFinal() {
        Retriever r = indexedRetriever();
        r.close();
        assertClosed("retrieve(query)", () -> r.retrieve(RetrievalQuery.of("penguins", 10)));
        assertClosed("retrieve(text, topK)", () -> r.retrieve("penguins", 10));
        assertClosed("retrieve of a blank query", () -> r.retrieve("", 10));
        assertClosed("upsert", () -> r.upsert(List.of(SampleCorpus.document("animals-01"))));
        assertClosed("delete", () -> r.delete(List.of("animals-01")));
        assertClosed("count", r::count);
        assertThatCode(r::close).as("closing twice").doesNotThrowAnyException();
        assertClosed("retrieve after closing twice", () -> r.retrieve("penguins", 10));

        Retriever unused = retriever();
        assertThatCode(unused::close).as("closing an unused retriever").doesNotThrowAnyException();
        assertThatCode(unused::close).as("closing an unused retriever twice").doesNotThrowAnyException();
        assertClosed("count of a closed unused retriever", unused::count);
        assertClosed("upsert into a closed unused retriever", () -> unused.upsert(List.of(SampleCorpus.document("space-01"))));
    }

    // ---------------------------------------------------------------- well-formedness

    /**
     * Checks that {@code hits}, the answer of {@code retriever} to {@code query}, is well-formed against
     * {@code indexed} (document id → the document as last upserted): at most {@code topK} hits; ranks 1..n; finite
     * scores, never increasing; no chunk twice; {@code retriever()} equal to {@code name()}; each chunk of an
     * indexed document, with id {@code Chunk.idOf(documentId, index)}, the document's title, at least the
     * document's metadata, offsets within its text and text matching it (see
     * {@link #chunkTextIsDocumentSubstring()}); and each filter of the query satisfied by the chunk's metadata.
     */
    protected final void assertWellFormed(Retriever retriever, RetrievalQuery query, List<RetrievedChunk> hits,
                                          Map<String, Document> indexed) {
        assertWellFormed(retriever, query, hits, id -> {
            Document d = indexed.get(id);
            return d == null ? List.of() : List.of(d);
        });
    }

    /** As {@link #assertWellFormed(Retriever, RetrievalQuery, List, Map)}, a chunk matching any version of its document. */
    private void assertWellFormed(Retriever retriever, RetrievalQuery query, List<RetrievedChunk> hits,
                                  Function<String, List<Document>> versions) {
        String q = describe(query);
        assertThat(hits).as("hits for %s", q).isNotNull();
        assertThat(hits.size()).as("number of hits for %s", q).isLessThanOrEqualTo(query.topK());
        Set<String> seen = new HashSet<>();
        double previous = Double.POSITIVE_INFINITY;
        for (int i = 0; i < hits.size(); i++) {
            RetrievedChunk hit = hits.get(i);
            assertThat(hit).as("hit %d for %s", i, q).isNotNull();
            Chunk c = hit.chunk();
            String where = "hit " + i + " (" + c.id() + ") for " + q;
            assertThat(hit.rank()).as("rank of %s", where).isEqualTo(i + 1);
            assertThat(Double.isFinite(hit.score())).as("finite score of %s: %s", where, hit.score()).isTrue();
            assertThat(hit.score()).as("score of %s (scores never increase)", where).isLessThanOrEqualTo(previous);
            previous = hit.score();
            assertThat(hit.retriever()).as("retriever() of %s", where).isEqualTo(retriever.name());
            assertThat(seen.add(c.id())).as("%s appears once", where).isTrue();
            assertThat(c.id()).as("id of %s", where).isEqualTo(Chunk.idOf(c.documentId(), c.index()));
            List<Document> candidates = versions.apply(c.documentId());
            if (candidates.isEmpty()) {
                fail("%s belongs to document '%s', which is not indexed", where, c.documentId());
            }
            List<String> problems = new ArrayList<>();
            for (Document doc : candidates) {
                String problem = mismatch(c, doc);
                if (problem == null) {
                    problems.clear();
                    break;
                }
                problems.add(problem);
            }
            if (!problems.isEmpty()) {
                fail("%s does not match its document: %s", where, String.join("; or ", problems));
            }
            for (Map.Entry<String, Set<String>> filter : query.filters().entrySet()) {
                assertThat(filter.getValue()).as("metadata '%s' of %s (filter %s)", filter.getKey(), where, filter.getValue())
                        .contains(c.metadata().get(filter.getKey()));
            }
        }
    }

    private String mismatch(Chunk c, Document doc) {
        if (!c.title().equals(doc.title())) {
            return "title '" + c.title() + "' is not the document's '" + doc.title() + "'";
        }
        for (Map.Entry<String, String> e : doc.metadata().entrySet()) {
            if (!e.getValue().equals(c.metadata().get(e.getKey()))) {
                return "metadata " + c.metadata() + " lacks the document's " + e;
            }
        }
        if (c.end() > doc.text().length()) {
            return "offsets [" + c.start() + ", " + c.end() + ") exceed the document's text (" + doc.text().length() + " chars)";
        }
        String slice = doc.text().substring(c.start(), c.end());
        if (chunkTextIsDocumentSubstring() ? !c.text().equals(slice) : !c.text().contains(slice)) {
            return "text '" + abbreviate(c.text()) + "' is not the document's text at [" + c.start() + ", " + c.end()
                    + "): '" + abbreviate(slice) + "'";
        }
        return null;
    }

    // ---------------------------------------------------------------- helpers

    /** Runs the query and checks the answer is well-formed against {@code indexed}. */
    private List<RetrievedChunk> search(Retriever r, RetrievalQuery query, Map<String, Document> indexed) {
        List<RetrievedChunk> hits = r.retrieve(query);
        assertWellFormed(r, query, hits, indexed);
        return hits;
    }

    private static Map<String, Document> corpusModel() {
        Map<String, Document> model = new LinkedHashMap<>();
        SampleCorpus.documents().forEach(d -> model.put(d.id(), d));
        return model;
    }

    private static RetrievalQuery filtered(String text, int topK, String key, String... values) {
        return RetrievalQuery.builder(text).topK(topK).filter(key, values).build();
    }

    private static String extraId(int n) {
        return "extra-" + SampleCorpus.generatedWord("", n);
    }

    private static Document extraDocument(int n) {
        return Document.builder(extraId(n)).title("Extra " + n)
                .text("Extra document " + n + " is about " + SampleCorpus.generatedWord("zorblat", n) + ". It was added later.")
                .metadata(SampleCorpus.LANG, "en").metadata(SampleCorpus.TOPIC, SampleCorpus.TOPICS.get(n % 4)).build();
    }

    private static Document veniceVersion(int round) {
        return SampleCorpus.document("cities-04").toBuilder()
                .text("Venice, version " + round + ": " + SampleCorpus.generatedWord("venver", round) + " along the canals.")
                .build();
    }

    private static RetrievalQuery randomQuery(Random random, int rounds) {
        List<String> ids = SampleCorpus.ids();
        String text = switch (random.nextInt(6)) {
            case 0 -> SampleCorpus.marker(ids.get(random.nextInt(ids.size())));
            case 1 -> SampleCorpus.generatedWord("zorblat", random.nextInt(rounds * 5));
            case 2 -> SampleCorpus.broadQuery();
            case 3 -> SampleCorpus.generatedWord("venver", random.nextInt(rounds)) + " lagoon canals";
            case 4 -> oddQueries().get(random.nextInt(oddQueries().size()));
            default -> "extra document " + SampleCorpus.generatedWord("zorblat", random.nextInt(rounds * 5)) + " "
                    + SampleCorpus.marker(ids.get(random.nextInt(ids.size())));
        };
        int[] ks = {1, 3, 10, 50, 10_000};
        RetrievalQuery.Builder b = RetrievalQuery.builder(text).topK(ks[random.nextInt(ks.length)]);
        if (random.nextInt(4) == 0) {
            b.filter(SampleCorpus.TOPIC, SampleCorpus.TOPICS.get(random.nextInt(4)));
        }
        return b.build();
    }

    private static <T> T unwrap(Future<T> future) throws Exception {
        try {
            return future.get(240, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    private static void assertClosed(String what, ThrowingCallable call) {
        assertThatThrownBy(call).as("%s after close", what)
                .isInstanceOfAny(IllegalStateException.class, LlamaException.class);
    }

    private static List<String> chunkIds(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().id()).toList();
    }

    private static List<String> documentIds(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().documentId()).toList();
    }

    /**
     * All of {@code ids} when only matching chunks are hits, else the first {@code n} (a dense retriever ranks every
     * document; the rule is about the leading ones).
     */
    private List<String> leading(List<String> ids, int n) {
        return onlyMatchingChunksAreHits() ? ids : ids.subList(0, Math.min(n, ids.size()));
    }

    /**
     * For a query of two words, each found in one document only: exactly those two documents, or (when not only
     * matching chunks are hits) both among the first {@value #DENSE_LEADING} documents.
     */
    private void assertFindsBoth(List<String> documents, String query, String first, String second) {
        if (onlyMatchingChunksAreHits()) {
            assertThat(documents).as("documents found by '%s'", query).containsExactlyInAnyOrder(first, second);
        } else {
            assertThat(leading(documents, DENSE_LEADING)).as("the first %d documents found by '%s'", DENSE_LEADING, query)
                    .contains(first, second);
        }
    }

    /** The documents of the hits, in order of their best hit. */
    private static List<String> distinctDocumentIds(List<RetrievedChunk> hits) {
        return List.copyOf(new LinkedHashSet<>(documentIds(hits)));
    }

    private static List<String> summary(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.rank() + " " + h.chunk().id() + " " + h.score()).toList();
    }

    private static String describe(RetrievalQuery q) {
        return "'" + abbreviate(q.text()) + "' (topK " + q.topK() + (q.filters().isEmpty() ? "" : ", filters " + q.filters()) + ")";
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
