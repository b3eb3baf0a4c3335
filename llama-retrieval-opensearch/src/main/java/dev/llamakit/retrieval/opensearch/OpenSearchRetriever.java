package dev.llamakit.retrieval.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.client.Sleeper;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.IndexText;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.RetrieverOptions;
import dev.llamakit.retrieval.fusion.RankFusion;
import dev.llamakit.retrieval.opensearch.BulkWriter.Action;
import dev.llamakit.retrieval.opensearch.OpenSearchRetrieverException.Reason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code opensearch} retriever: the {@link Retriever} SPI on an OpenSearch cluster (2.x, tested on 2.19), over
 * plain {@code java.net.http}, for corpora, query loads or deployments that outgrow one machine's embedded Lucene
 * index. The same documents, queries, filters and results as the embedded {@code bm25} retriever; only the name and
 * the options change.
 *
 * <ul>
 *   <li>Index: one OpenSearch document per chunk, {@code _id} = {@code <documentId>#<position>} (see
 *       {@link IndexSchema}); created with its mapping when absent, checked for compatibility when present (schema,
 *       analyzer, BM25 parameters, embedder and dimension, else {@link Reason#MAPPING_CONFLICT}); never deleted or
 *       changed otherwise. Opening waits until the index is at least yellow; a red index whose primary cannot be
 *       allocated fails at once with {@link Reason#CLUSTER_UNHEALTHY} and the cluster's reason.</li>
 *   <li>Writes: documents are chunked (with the rules of the embedded Lucene index: chunks of the document, ids
 *       unique within it, kept as the chunker made them), embedded when there is an embedder (a chunk whose text is
 *       already in the index with a vector reuses that vector), and written with {@code _bulk}; then the chunks a
 *       previous version had beyond the new ones are found by document id (a term query) and deleted, so a
 *       clean-up that failed is done by the next upsert or delete of the document. Item rejections 429/502/503/504
 *       are retried with backoff; other item failures are reported per document in a
 *       {@link PartialWriteException}. Writes are visible on return unless {@code refresh=false}.</li>
 *   <li>Search: {@link SearchMode#BM25} ({@code match} on title + text, English analysis, k1 0.9 and b 0.4 by default
 *       like the {@code bm25} retriever), {@link SearchMode#VECTOR} (k-NN, filters inside the knn query; scores are cosines, as in the
 *       Lucene {@code vector} retriever) or
 *       {@link SearchMode#HYBRID} (both in one {@code _msearch}, fused here with core's {@link RankFusion}, the same
 *       code as every hybrid retriever). Metadata filters are exact keyword matches applied inside the search. A
 *       blank query finds nothing.</li>
 *   <li>Cluster: several node URLs fail over to each other, also when a node hangs (a request timeout), and a node
 *       that timed out is avoided for a while; 429 and unreachable nodes are retried with exponential backoff, then
 *       fail with a typed {@link OpenSearchRetrieverException}. Credentials never appear in logs, exceptions or {@link #toString()}.</li>
 * </ul>
 *
 * <p>Thread-safe: searches run concurrently; writes of one retriever are serialised (several application instances
 * may write to one index, but two writing the same document at the same moment may leave a mix of both versions).
 */
public final class OpenSearchRetriever implements Retriever {
    /** The provider name. */
    public static final String NAME = "opensearch";
    /** Anserini's (and the {@code bm25} retriever's) k1. */
    public static final float DEFAULT_K1 = RetrieverOptions.DEFAULT_K1;
    /** Anserini's (and the {@code bm25} retriever's) b. */
    public static final float DEFAULT_B = RetrieverOptions.DEFAULT_B;
    /** Lucene's limit on an exact-match term (metadata values). */
    static final int MAX_TERM_BYTES = 32_766;
    /** OpenSearch's limit on {@code _id}. */
    static final int MAX_ID_BYTES = 512;
    private static final int LOOKUP_BATCH = 1000;
    private static final int DELETE_BATCH = 1000;
    private static final int SCAN_PAGE = 1000;
    private static final int EMBED_BATCH = 256;
    private static final long MAX_BULK_BYTES = 8L * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(OpenSearchRetriever.class);

    private final String index;
    private final SearchMode mode;
    private final RefreshPolicy refresh;
    private final Chunker chunker;
    private final Embedder embedder;
    private final boolean closeEmbedder;
    private final RankFusion fusion;
    private final int candidates;
    private final Double minSimilarity;
    private final boolean highlights;
    private final IndexSchema schema;
    private final String path;
    private final Duration requestTimeout;
    private final ClusterClient client;
    private final BulkWriter writer;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final ReentrantLock writes = new ReentrantLock();
    private volatile boolean closed;

    private OpenSearchRetriever(Builder b) {
        this.index = b.index;
        this.path = IndexSchema.path(b.index);
        this.requestTimeout = b.requestTimeout;
        this.mode = b.mode;
        this.refresh = b.refresh;
        this.chunker = b.chunker;
        this.embedder = b.embedder;
        this.closeEmbedder = b.closeEmbedder;
        this.fusion = b.fusion;
        this.candidates = b.candidates;
        this.minSimilarity = b.minSimilarity;
        this.highlights = b.highlights;
        this.schema = new IndexSchema(b.k1, b.b, embedder == null ? null : embedder.name(),
                embedder == null ? 0 : embedder.dimensions());
        this.client = new ClusterClient(b.urls, b.credentials, b.ssl, b.connectTimeout, b.requestTimeout,
                b.maxRetries, b.initialBackoff, b.sleeper);
        this.writer = new BulkWriter(client, index, b.batchSize, MAX_BULK_BYTES, b.maxRetries, b.initialBackoff,
                b.sleeper);
        try {
            openIndex(b.shards, b.replicas, b.healthTimeout);
        } catch (RuntimeException e) {
            if (closeEmbedder) {
                try {
                    embedder.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** A builder; only the node URL is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The index this retriever reads and writes. */
    public String index() {
        return index;
    }

    /** How this retriever searches. */
    public SearchMode mode() {
        return mode;
    }

    // ------------------------------------------------------------------------------------------------ the index

    private void openIndex(int shards, int replicas, Duration healthTimeout) {
        ClusterClient.Response mapping = client.get(path + "/_mapping");
        if (mapping.status() == 404) {
            ClusterClient.Response created = client.put(path, Json.write(schema.createBody(shards, replicas)));
            if (created.ok()) {
                log.info("created OpenSearch index '{}' ({} shards, {} replicas, {})", index, shards, replicas, schema);
            } else if ("resource_already_exists_exception".equals(created.errorType())) {
                mapping = client.get(path + "/_mapping"); // another instance created it just now
                requireOk(mapping, "reading the mapping of index '" + index + "'");
                schema.checkCompatible(index, mapping.json());
            } else {
                String hint = created.error().contains("knn") ? " (does the cluster have the k-NN plugin?)" : "";
                throw new OpenSearchRetrieverException(Reason.REQUEST_FAILED, created.status(),
                        "creating index '" + index + "' failed: " + created.error() + hint, null);
            }
        } else {
            requireOk(mapping, "reading the mapping of index '" + index + "'");
            schema.checkCompatible(index, mapping.json());
        }
        awaitYellow(healthTimeout);
    }

    /**
     * Returns once the index is yellow or green. A red index whose unassigned primary the cluster says it cannot
     * allocate (no node allowed, no valid copy, allocation disabled) fails at once with the cluster's reason; otherwise
     * (shards initialising, or the explanation not permitted) waits up to the health timeout.
     */
    private void awaitYellow(Duration healthTimeout) {
        String healthPath = "/_cluster/health" + path;
        ClusterClient.Response now = client.get(healthPath + "?level=shards");
        String status = now.json() == null ? "unknown" : now.json().path("status").asText("unknown");
        if (now.ok() && ("green".equals(status) || "yellow".equals(status))) {
            return;
        }
        if (now.ok() && "red".equals(status)) {
            String why = unallocatablePrimary(now.json());
            if (why != null) {
                throw new OpenSearchRetrieverException(Reason.CLUSTER_UNHEALTHY, 0, "index '" + index + "' is red: "
                        + why + "; searches and writes would fail: check the cluster's nodes and allocation settings",
                        null);
            }
        }
        // the cluster waits up to the health timeout; the client waits that long plus a request timeout
        ClusterClient.Response health = client.send("GET", healthPath + "?wait_for_status=yellow&timeout="
                + healthTimeout.toMillis() + "ms", null, ClusterClient.JSON, healthTimeout.plus(requestTimeout));
        JsonNode h = health.json();
        status = h == null ? "unknown" : h.path("status").asText("unknown");
        boolean timedOut = h == null || h.path("timed_out").asBoolean(false) || health.status() == 408;
        if (!health.ok() && health.status() != 408 || timedOut || "red".equals(status)) {
            String detail = h == null ? health.error() : "status " + status + ", "
                    + h.path("active_primary_shards").asInt() + " active primary shards, "
                    + h.path("unassigned_shards").asInt() + " unassigned shards, "
                    + h.path("number_of_data_nodes").asInt() + " data nodes";
            throw new OpenSearchRetrieverException(Reason.CLUSTER_UNHEALTHY, health.status(), "index '" + index
                    + "' did not become yellow or green within " + healthTimeout.toMillis() + " ms (" + detail
                    + "); a red index has an unassigned primary shard: check the cluster's nodes and allocation", null);
        }
    }

    /**
     * Why the first unassigned primary shard of a red index cannot be allocated, from
     * {@code _cluster/allocation/explain}; {@code null} when it can (it is on its way) or the cluster does not say.
     */
    private String unallocatablePrimary(JsonNode health) {
        JsonNode shards = health.path("indices").path(index).path("shards");
        String shard = null;
        for (Map.Entry<String, JsonNode> e : shards.properties()) {
            if (!e.getValue().path("primary_active").asBoolean(true)) {
                shard = e.getKey();
                break;
            }
        }
        if (shard == null) {
            return null;
        }
        ObjectNode body = Json.object().put("index", index).put("shard", Integer.parseInt(shard)).put("primary", true);
        ClusterClient.Response r;
        try {
            r = client.post("/_cluster/allocation/explain", Json.write(body));
        } catch (OpenSearchRetrieverException e) {
            if (e.reason() != Reason.PERMISSION) {
                throw e;
            }
            log.debug("no permission to ask why index '{}' is red; waiting for it", index);
            return null;
        }
        JsonNode x = r.json();
        String decision = x == null ? "" : x.path("can_allocate").asText("");
        if (!r.ok() || !Set.of("no", "no_valid_shard_copy", "no_attempt").contains(decision)) {
            return null;
        }
        StringBuilder why = new StringBuilder("primary shard " + shard + " is unassigned");
        String reason = x.path("unassigned_info").path("reason").asText("");
        if (!reason.isEmpty()) {
            why.append(" (").append(reason).append(')');
        }
        why.append(" and cannot be allocated: ").append(x.path("allocate_explanation").asText(decision));
        for (JsonNode n : x.path("node_allocation_decisions")) {
            for (JsonNode d : n.path("deciders")) {
                if ("NO".equals(d.path("decision").asText())) {
                    why.append("; on node '").append(n.path("node_name").asText("?")).append("': ")
                            .append(d.path("explanation").asText(d.path("decider").asText()));
                    break;
                }
            }
            break; // one node's reason is enough; the others are usually alike
        }
        return why.toString();
    }

    private static void requireOk(ClusterClient.Response r, String what) {
        if (!r.ok() || r.json() == null) {
            throw new OpenSearchRetrieverException(Reason.REQUEST_FAILED, r.status(),
                    what + " failed on " + r.node() + ": " + r.error(), null);
        }
    }

    // ------------------------------------------------------------------------------------------------ searching

    @Override
    public List<RetrievedChunk> retrieve(RetrievalQuery query) {
        Objects.requireNonNull(query, "query");
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            ensureOpen();
            if (query.text().isBlank() || query.filters().containsKey("")) {
                return List.of(); // nothing to search for; no metadata key is empty
            }
            int depth = mode == SearchMode.HYBRID ? Math.max(query.topK(), candidates) : query.topK();
            ObjectNode bm25 = mode == SearchMode.VECTOR ? null : bm25Body(query, depth);
            ObjectNode knn = mode == SearchMode.BM25 ? null : knnBody(query, depth);
            if (mode == SearchMode.HYBRID && bm25 != null && knn != null) {
                List<List<RetrievedChunk>> legs = multiSearch(bm25, knn);
                return fusion.fuse(legs, query.topK(), NAME);
            }
            ObjectNode body = bm25 != null ? bm25 : knn;
            if (body == null) {
                return List.of();
            }
            List<RetrievedChunk> hits = search(body, body == knn);
            return hits.size() <= query.topK() ? hits : hits.subList(0, query.topK());
        } finally {
            lock.unlock();
        }
    }

    /** The BM25 search body, or null when the query has no searchable term. */
    private ObjectNode bm25Body(RetrievalQuery query, int size) {
        String text = query.text();
        if (Queries.estimateTokens(text) <= Queries.MAX_MATCH_TOKENS) {
            return Queries.bm25Match(text, size, query.filters(), highlights);
        }
        List<Map.Entry<String, Integer>> terms = analyze(Queries.truncateToTokens(text, Queries.MAX_ANALYZED_TOKENS));
        return terms.isEmpty() ? null : Queries.bm25Terms(terms, size, query.filters(), highlights);
    }

    /** The k-NN search body, or null when the query's vector has no direction (all zeros). */
    private ObjectNode knnBody(RetrievalQuery query, int size) {
        float[] vector = checkVector(embedder.embedQuery(query.text()), "the query");
        if (isZero(vector)) {
            return null;
        }
        int k = Math.max(size, Math.min(candidates, 10_000));
        Double minScore = minSimilarity == null ? null : (1.0 + minSimilarity) / 2.0;
        return Queries.knn(vector, k, size, query.filters(), minScore);
    }

    /** The analysed terms of a long query with their counts: the most frequent {@link Queries#MAX_TERMS}. */
    private List<Map.Entry<String, Integer>> analyze(String text) {
        ObjectNode body = Json.object().put("field", IndexSchema.CONTENTS).put("text", text);
        ClusterClient.Response r = client.post(path + "/_analyze", Json.write(body));
        requireOk(r, "analysing a long query in index '" + index + "'");
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (JsonNode token : r.json().path("tokens")) {
            counts.merge(token.path("token").asText(), 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> terms = new ArrayList<>(counts.entrySet());
        terms.sort(Map.Entry.<String, Integer>comparingByValue().reversed()); // stable: ties keep their order
        return terms.size() <= Queries.MAX_TERMS ? terms : terms.subList(0, Queries.MAX_TERMS);
    }

    /** The hits of one search; {@code vector}: a k-NN search, whose scores become cosines. */
    private List<RetrievedChunk> search(ObjectNode body, boolean vector) {
        ClusterClient.Response r = client.post(path + "/_search", Json.write(body));
        requireOk(r, "searching index '" + index + "'");
        return hits(r.json(), vector);
    }

    /** The BM25 and the k-NN hits of one {@code _msearch}, in that order. */
    private List<List<RetrievedChunk>> multiSearch(ObjectNode bm25, ObjectNode knn) {
        List<ObjectNode> bodies = List.of(bm25, knn);
        StringBuilder ndjson = new StringBuilder();
        for (ObjectNode body : bodies) {
            ndjson.append("{}\n").append(Json.write(body)).append('\n');
        }
        ClusterClient.Response r = client.postNdjson(path + "/_msearch", ndjson.toString());
        requireOk(r, "searching index '" + index + "'");
        List<List<RetrievedChunk>> results = new ArrayList<>();
        for (JsonNode response : r.json().path("responses")) {
            if (response.has("error")) {
                ClusterClient.Response failed = new ClusterClient.Response(response.path("status").asInt(500),
                        response, null, r.node());
                throw new OpenSearchRetrieverException(Reason.REQUEST_FAILED, failed.status(),
                        "searching index '" + index + "' failed: " + failed.error(), null);
            }
            results.add(hits(response, results.size() == 1));
        }
        if (results.size() != bodies.size()) {
            throw new OpenSearchRetrieverException(Reason.REQUEST_FAILED, r.status(), "_msearch on index '" + index
                    + "' answered " + results.size() + " responses to " + bodies.size() + " searches", null);
        }
        return results;
    }

    /**
     * The hits of a search response. {@code vector}: k-NN hits, whose score OpenSearch gives as
     * {@code (1 + cosine) / 2} (the Lucene engine's cosine space); they are turned back into the cosine, in [-1, 1],
     * the scale of the Lucene {@code vector} retriever.
     */
    private List<RetrievedChunk> hits(JsonNode response, boolean vector) {
        JsonNode hits = response.path("hits").path("hits");
        List<RetrievedChunk> out = new ArrayList<>(hits.size());
        for (JsonNode hit : hits) {
            Chunk chunk = toChunk(hit.path("_id").asText(), hit.path("_source"));
            JsonNode fragment = hit.path("highlight").path(IndexSchema.TEXT).path(0);
            String highlight = fragment.isTextual() && !fragment.asText().isBlank() ? fragment.asText().trim() : null;
            double score = hit.path("_score").asDouble();
            out.add(new RetrievedChunk(chunk, vector ? 2 * score - 1 : score, out.size() + 1, NAME, highlight));
        }
        return out;
    }

    private Chunk toChunk(String id, JsonNode source) {
        String documentId = source.path(IndexSchema.DOCUMENT_ID).asText(null);
        JsonNode index = source.path(IndexSchema.CHUNK_INDEX);
        if (documentId == null || !index.canConvertToInt()) {
            throw new OpenSearchRetrieverException(Reason.REQUEST_FAILED, 0, "index '" + this.index
                    + "' holds a chunk '" + id + "' without document_id or chunk_index", null);
        }
        Map<String, String> metadata = new HashMap<>();
        source.path(IndexSchema.METADATA).properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
        JsonNode chunkId = source.path(IndexSchema.CHUNK_ID);
        return new Chunk(chunkId.isTextual() ? chunkId.asText() : Chunk.idOf(documentId, index.asInt()), documentId,
                index.asInt(),
                source.path(IndexSchema.TITLE).asText(""), source.path(IndexSchema.TEXT).asText(""),
                source.path(IndexSchema.START).asInt(0), source.path(IndexSchema.END).asInt(0), metadata);
    }

    // ------------------------------------------------------------------------------------------------- writing

    /**
     * Writes the documents in two idempotent steps: (1) every chunk with {@code _bulk}, overwriting the chunk at the
     * same position; (2) for each document written in full, a delete by document id of the chunks at positions past
     * its new last one. A failure between the steps leaves extra chunks of the old version, which step 2 of the next
     * upsert (or a delete) of the document removes: retries converge.
     */
    @Override
    public void upsert(Collection<Document> documents) {
        Objects.requireNonNull(documents, "documents");
        Map<String, Document> byId = new LinkedHashMap<>();
        for (Document d : documents) {
            Objects.requireNonNull(d, "document");
            byId.remove(d.id()); // the last version of an id wins, in its position
            byId.put(d.id(), d);
        }
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            ensureOpen();
            if (byId.isEmpty()) {
                return;
            }
            Map<String, List<Chunk>> chunks = new LinkedHashMap<>();
            for (Document d : byId.values()) {
                chunks.put(d.id(), chunksOf(d));
            }
            List<Chunk> all = chunks.values().stream().flatMap(List::stream).toList();
            List<float[]> vectors = embedder == null ? null : vectors(all);
            writes.lock();
            try {
                List<Action> actions = new ArrayList<>(all.size());
                int v = 0;
                for (Map.Entry<String, List<Chunk>> e : chunks.entrySet()) {
                    List<Chunk> list = e.getValue();
                    for (int position = 0; position < list.size(); position++) {
                        actions.add(new Action(e.getKey(), Chunk.idOf(e.getKey(), position), source(list.get(position),
                                position, vectors == null ? null : vectors.get(v++))));
                    }
                }
                Map<String, PartialWriteException.Failure> failures = new LinkedHashMap<>(writer.write(actions, refresh));
                Map<String, Integer> written = new LinkedHashMap<>();
                chunks.forEach((id, list) -> {
                    if (!failures.containsKey(id)) {
                        written.put(id, list.size());
                    }
                });
                removeChunksFrom(written, failures);
                if (!failures.isEmpty()) {
                    throw new PartialWriteException("upsert", index, byId.size(), failures);
                }
            } finally {
                writes.unlock();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The chunks of a document, checked as the Lucene index checks them: each of this document, ids unique within
     * it (the chunker's ids and indexes are kept as they are); none means the whole document as one chunk.
     */
    private List<Chunk> chunksOf(Document document) {
        List<Chunk> chunks = chunker.chunk(document);
        if (chunks.isEmpty()) {
            chunks = List.of(Chunk.whole(document)); // e.g. a title-only document: still findable and counted
        }
        Set<String> ids = new HashSet<>();
        for (Chunk c : chunks) {
            if (!c.documentId().equals(document.id())) {
                throw new IllegalStateException("the chunker returned a chunk of document '" + abbreviate(c.documentId())
                        + "' for document '" + abbreviate(document.id()) + "'");
            }
            if (!ids.add(c.id())) {
                throw new IllegalStateException("the chunker returned chunk id '" + abbreviate(c.id()) + "' twice");
            }
            if (c.id().length() > MAX_TERM_BYTES / 3 && c.id().getBytes(StandardCharsets.UTF_8).length > MAX_TERM_BYTES) {
                throw new IllegalArgumentException("chunk id '" + abbreviate(c.id()) + "' of document '"
                        + abbreviate(document.id()) + "' is longer than " + MAX_TERM_BYTES + " UTF-8 bytes");
            }
        }
        String lastId = Chunk.idOf(document.id(), chunks.size() - 1);
        if (lastId.length() * 3 > MAX_ID_BYTES && lastId.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            throw new IllegalArgumentException("document id '" + abbreviate(document.id()) + "' is too long: its chunk"
                    + " ids (<id>#<n>) must fit OpenSearch's " + MAX_ID_BYTES + "-byte _id");
        }
        for (Map.Entry<String, String> m : document.metadata().entrySet()) {
            if (m.getKey().isBlank()) {
                throw new IllegalArgumentException("document '" + abbreviate(document.id())
                        + "' has a blank metadata key; OpenSearch field names must not be empty");
            }
            String value = m.getValue();
            if (value.length() > MAX_TERM_BYTES / 3 && value.getBytes(StandardCharsets.UTF_8).length > MAX_TERM_BYTES) {
                throw new IllegalArgumentException("the value of metadata '" + abbreviate(m.getKey()) + "' of document '"
                        + abbreviate(document.id()) + "' is longer than " + MAX_TERM_BYTES
                        + " UTF-8 bytes, the most an exact-match (keyword) field can hold");
            }
        }
        return chunks;
    }

    /**
     * The vector of every chunk: copied from a chunk of the index with the same text hash when there is one, else
     * embedded (each distinct text once). The index's embedder is fixed by its mapping, so a hash stands for one vector.
     */
    private List<float[]> vectors(List<Chunk> chunks) {
        Map<String, String> texts = new LinkedHashMap<>(); // hash -> text, in first-seen order
        List<String> hashes = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            String text = IndexText.of(c);
            String hash = IndexText.hash(text);
            hashes.add(hash);
            texts.putIfAbsent(hash, text);
        }
        Map<String, float[]> known = storedVectors(texts.keySet());
        List<String> missing = texts.keySet().stream().filter(h -> !known.containsKey(h)).toList();
        for (int i = 0; i < missing.size(); i += EMBED_BATCH) {
            List<String> batchHashes = missing.subList(i, Math.min(missing.size(), i + EMBED_BATCH));
            List<String> batch = batchHashes.stream().map(texts::get).toList();
            List<float[]> embedded = embedder.embed(batch);
            if (embedded == null || embedded.size() != batch.size()) {
                throw new IllegalStateException("embedder '" + embedder.name() + "' returned "
                        + (embedded == null ? "null" : embedded.size() + " vectors") + " for " + batch.size() + " texts");
            }
            for (int j = 0; j < batch.size(); j++) {
                known.put(batchHashes.get(j), checkVector(embedded.get(j), "a chunk"));
            }
        }
        log.debug("{} chunks: {} distinct texts, {} vectors reused, {} embedded", chunks.size(), texts.size(),
                texts.size() - missing.size(), missing.size());
        return hashes.stream().map(known::get).toList();
    }

    /** Hash → the vector stored with a chunk of that text hash, for those of {@code hashes} in the index. */
    private Map<String, float[]> storedVectors(Collection<String> hashes) {
        Map<String, float[]> found = new HashMap<>();
        List<String> all = List.copyOf(hashes);
        for (int i = 0; i < all.size(); i += LOOKUP_BATCH) {
            List<String> batch = all.subList(i, Math.min(all.size(), i + LOOKUP_BATCH));
            ObjectNode body = Json.object().put("size", batch.size()).put("track_total_hits", false);
            ArrayNode terms = body.putObject("query").putObject("terms").putArray(IndexSchema.TEXT_HASH);
            batch.forEach(terms::add);
            body.putObject("collapse").put("field", IndexSchema.TEXT_HASH);
            body.putObject("_source").putArray("includes").add(IndexSchema.TEXT_HASH).add(IndexSchema.EMBEDDING);
            ClusterClient.Response r = client.post(path + "/_search", Json.write(body));
            requireOk(r, "looking up stored vectors in index '" + index + "'");
            for (JsonNode hit : r.json().path("hits").path("hits")) {
                JsonNode source = hit.path("_source");
                JsonNode vector = source.path(IndexSchema.EMBEDDING);
                if (vector.size() != embedder.dimensions()) {
                    continue;
                }
                float[] v = new float[vector.size()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) vector.path(j).asDouble();
                }
                found.put(source.path(IndexSchema.TEXT_HASH).asText(), v);
            }
        }
        return found;
    }

    private float[] checkVector(float[] v, String what) {
        if (v == null || v.length != embedder.dimensions()) {
            throw new IllegalStateException("embedder '" + embedder.name() + "' returned a vector of "
                    + (v == null ? "null" : v.length + " dimensions") + " for " + what + ", expected "
                    + embedder.dimensions());
        }
        for (float f : v) {
            if (!Float.isFinite(f)) {
                throw new IllegalStateException("embedder '" + embedder.name() + "' returned a non-finite value for "
                        + what);
            }
        }
        return v;
    }

    private static boolean isZero(float[] v) {
        for (float f : v) {
            if (f != 0f) {
                return false;
            }
        }
        return true;
    }

    private ObjectNode source(Chunk c, int position, float[] vector) {
        ObjectNode s = Json.object();
        s.put(IndexSchema.DOCUMENT_ID, c.documentId());
        s.put(IndexSchema.POSITION, position);
        s.put(IndexSchema.CHUNK_ID, c.id());
        s.put(IndexSchema.CHUNK_INDEX, c.index());
        s.put(IndexSchema.TITLE, c.title());
        s.put(IndexSchema.TEXT, c.text());
        s.put(IndexSchema.START, c.start());
        s.put(IndexSchema.END, c.end());
        ObjectNode meta = s.putObject(IndexSchema.METADATA);
        c.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> meta.put(e.getKey(), e.getValue()));
        if (vector != null && !isZero(vector)) { // cosine is undefined for a zero vector: such a chunk is BM25-only
            ArrayNode array = s.putArray(IndexSchema.EMBEDDING);
            for (float f : vector) {
                array.add(f);
            }
            s.put(IndexSchema.TEXT_HASH, IndexText.hash(IndexText.of(c)));
        }
        return s;
    }

    /**
     * Deletes, by document id, the chunks at positions from each document's given count on (count 0: all of them):
     * finds their ids with a term query on the document id, then deletes them with {@code _bulk}, adding a failure
     * per document whose chunks could not all be deleted. Sees the chunks that are searchable (the writes of calls
     * that returned, unless they used {@code refresh=false}).
     */
    private void removeChunksFrom(Map<String, Integer> firstStale, Map<String, PartialWriteException.Failure> failures) {
        Map<Integer, List<String>> byCount = new TreeMap<>();
        firstStale.forEach((id, count) -> byCount.computeIfAbsent(count, k -> new ArrayList<>()).add(id));
        List<Action> deletes = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> group : byCount.entrySet()) {
            List<String> ids = group.getValue();
            for (int i = 0; i < ids.size(); i += DELETE_BATCH) {
                ObjectNode query = Json.object();
                ArrayNode filter = query.putObject("bool").putArray("filter");
                ArrayNode terms = filter.addObject().putObject("terms").putArray(IndexSchema.DOCUMENT_ID);
                ids.subList(i, Math.min(ids.size(), i + DELETE_BATCH)).forEach(terms::add);
                if (group.getKey() > 0) {
                    filter.addObject().putObject("range").putObject(IndexSchema.POSITION).put("gte", group.getKey());
                }
                chunksMatching(query, deletes);
            }
        }
        writer.write(deletes, refresh).forEach(failures::putIfAbsent);
    }

    /** Adds a delete action for every chunk the query matches, paging with {@code search_after}. */
    private void chunksMatching(ObjectNode query, List<Action> deletes) {
        JsonNode after = null;
        while (true) {
            ObjectNode body = Json.object().put("size", SCAN_PAGE).put("_source", false).put("track_total_hits", false);
            body.set("query", query);
            ArrayNode sort = body.putArray("sort");
            sort.addObject().put(IndexSchema.DOCUMENT_ID, "asc");
            sort.addObject().put(IndexSchema.POSITION, "asc");
            if (after != null) {
                body.set("search_after", after);
            }
            ClusterClient.Response r = client.post(path + "/_search", Json.write(body));
            requireOk(r, "finding the chunks to delete in index '" + index + "'");
            JsonNode hits = r.json().path("hits").path("hits");
            for (JsonNode hit : hits) {
                deletes.add(new Action(hit.path("sort").path(0).asText(), hit.path("_id").asText(), null));
                after = hit.path("sort");
            }
            if (hits.size() < SCAN_PAGE) {
                return;
            }
        }
    }

    @Override
    public void delete(Collection<String> documentIds) {
        Objects.requireNonNull(documentIds, "documentIds");
        Set<String> ids = new LinkedHashSet<>();
        documentIds.forEach(id -> ids.add(Objects.requireNonNull(id, "document id")));
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            ensureOpen();
            ids.removeIf(id -> id.isBlank() || id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES);
            if (ids.isEmpty()) {
                return;
            }
            writes.lock();
            try {
                if (refresh == RefreshPolicy.FALSE) { // chunks written without a refresh are not searchable yet
                    requireOk(client.post(path + "/_refresh", null), "refreshing index '" + index + "'");
                }
                Map<String, Integer> all = new LinkedHashMap<>();
                ids.stream().sorted().forEach(id -> all.put(id, 0));
                Map<String, PartialWriteException.Failure> failures = new LinkedHashMap<>();
                removeChunksFrom(all, failures);
                if (!failures.isEmpty()) {
                    throw new PartialWriteException("delete", index, ids.size(), failures);
                }
            } finally {
                writes.unlock();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The number of indexed documents (not chunks): the chunks at position 0. */
    @Override
    public long count() {
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            ensureOpen();
            ObjectNode body = Json.object();
            body.putObject("query").putObject("term").put(IndexSchema.POSITION, 0);
            ClusterClient.Response r = client.post(path + "/_count", Json.write(body));
            requireOk(r, "counting the documents of index '" + index + "'");
            return r.json().path("count").asLong();
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this opensearch retriever is closed");
        }
    }

    /**
     * Closes the retriever (and the embedder when it was created from a name); the index stays in the cluster.
     * Waits for running searches and writes. Idempotent.
     */
    @Override
    public void close() {
        ReentrantReadWriteLock.WriteLock lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (closeEmbedder && embedder != null) {
                embedder.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    @Override
    public String toString() {
        return "OpenSearchRetriever[index=" + index + ", nodes=" + client.nodes() + ", mode=" + mode.optionValue()
                + ", " + schema + (mode == SearchMode.HYBRID ? ", fusion=" + fusion + ", candidates=" + candidates : "")
                + (minSimilarity == null ? "" : ", min-similarity=" + minSimilarity)
                + ", refresh=" + refresh.optionValue() + ", auth=" + client.credentialsDescription() + "]";
    }

    /** Builds an {@link OpenSearchRetriever}; only the node URL is required. */
    public static final class Builder {
        private List<URI> urls = List.of();
        private String index = "llamakit";
        private Credentials credentials = Credentials.NONE;
        private SSLContext ssl;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration healthTimeout = Duration.ofSeconds(30);
        private RefreshPolicy refresh = RefreshPolicy.WAIT_FOR;
        private int shards = 1;
        private int replicas = 1;
        private SearchMode mode = SearchMode.BM25;
        private RankFusion fusion = RankFusion.defaultFusion();
        private int candidates = 100;
        private Double minSimilarity;
        private Embedder embedder;
        private boolean closeEmbedder;
        private Chunker chunker = Chunker.none();
        private float k1 = DEFAULT_K1;
        private float b = DEFAULT_B;
        private boolean highlights = true;
        private int batchSize = 500;
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Sleeper sleeper = Sleeper.SYSTEM;

        private Builder() {
        }

        /**
         * The node URLs ({@code http://} or {@code https://}, host and port, optionally a path prefix), tried in
         * order with fail-over. Credentials go in {@link #basicAuth} or {@link #apiKey}, never in a URL.
         */
        public Builder urls(List<String> urls) {
            Objects.requireNonNull(urls, "urls");
            List<URI> parsed = new ArrayList<>();
            for (String u : urls) {
                parsed.add(parseUrl(Objects.requireNonNull(u, "url")));
            }
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException("at least one node URL is needed");
            }
            this.urls = List.copyOf(parsed);
            return this;
        }

        /** As {@link #urls(List)}. */
        public Builder url(String... urls) {
            return urls(List.of(urls));
        }

        /** The index (default {@code llamakit}); created when absent. */
        public Builder index(String index) {
            this.index = IndexSchema.checkIndexName(Objects.requireNonNull(index, "index"));
            return this;
        }

        /** HTTP basic authentication. */
        public Builder basicAuth(String username, String password) {
            this.credentials = Credentials.basic(username, password);
            return this;
        }

        /** An API key, sent as {@code Authorization: ApiKey <key>}. */
        public Builder apiKey(String key) {
            this.credentials = Credentials.apiKey(key);
            return this;
        }

        /** Trusts the certificates of this PKCS#12 or JKS file for {@code https://} nodes (password may be null). */
        public Builder trustStore(Path file, char[] password) {
            this.ssl = Tls.trustStore(Objects.requireNonNull(file, "file"), password);
            return this;
        }

        /** Trusts every certificate and host name. For tests against self-signed nodes only. */
        public Builder insecureTrustAll() {
            log.warn("the opensearch retriever trusts every TLS certificate (insecure-trust-all): for tests only");
            this.ssl = Tls.trustAll();
            return this;
        }

        /** How long to wait for a connection to a node (default 5 s) before trying the next. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect-timeout");
            return this;
        }

        /**
         * How long to wait for one node's answer to a request (default 30 s) before trying the next node; a node that
         * timed out is avoided for a while.
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "request-timeout");
            return this;
        }

        /** How long opening waits for the index to be at least yellow (default 30 s). */
        public Builder healthTimeout(Duration timeout) {
            this.healthTimeout = positive(timeout, "health-timeout");
            return this;
        }

        /** When writes become visible (default {@link RefreshPolicy#WAIT_FOR}: on return). */
        public Builder refresh(RefreshPolicy refresh) {
            this.refresh = Objects.requireNonNull(refresh, "refresh");
            return this;
        }

        /** Primary shards of a new index (default 1). */
        public Builder shards(int shards) {
            this.shards = atLeast(shards, 1, "shards");
            return this;
        }

        /** Replicas of a new index (default 1; a single-node cluster stays yellow with 1). */
        public Builder replicas(int replicas) {
            this.replicas = atLeast(replicas, 0, "replicas");
            return this;
        }

        /** How to search (default {@link SearchMode#BM25}; vector and hybrid need an embedder). */
        public Builder mode(SearchMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** How hybrid mode fuses its two rankings (default RRF with k = 60). */
        public Builder fusion(RankFusion fusion) {
            this.fusion = Objects.requireNonNull(fusion, "fusion");
            return this;
        }

        /** Hits fetched per ranking in hybrid mode and the k of vector search (default 100; at least topK). */
        public Builder candidates(int candidates) {
            this.candidates = atLeast(candidates, 1, "candidates");
            if (candidates > 10_000) {
                throw new IllegalArgumentException("candidates must be at most 10000 (OpenSearch's limit), got "
                        + candidates);
            }
            return this;
        }

        /**
         * Vector hits less cosine-similar to the query than this are dropped (vector search and the vector ranking
         * of hybrid search); default none: the nearest chunks are returned however far they are.
         */
        public Builder minSimilarity(double minSimilarity) {
            if (!(minSimilarity >= -1 && minSimilarity <= 1)) {
                throw new IllegalArgumentException("min-similarity must be between -1 and 1, got " + minSimilarity);
            }
            this.minSimilarity = minSimilarity;
            return this;
        }

        /** The embedder of chunks and queries (needed for vector and hybrid mode; the caller closes it). */
        public Builder embedder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            this.closeEmbedder = false;
            return this;
        }

        /** As {@link #embedder(Embedder)}, with the retriever closing it (for one made from a name). */
        Builder ownedEmbedder(Embedder embedder) {
            embedder(embedder);
            this.closeEmbedder = true;
            return this;
        }

        /** Split documents into chunks with this chunker; default: one chunk per document. */
        public Builder chunker(Chunker chunker) {
            this.chunker = Objects.requireNonNull(chunker, "chunker");
            return this;
        }

        /** BM25 k1 of a new index, finite and &ge; 0 (default 0.9). */
        public Builder k1(float k1) {
            this.k1 = RetrieverOptions.checkK1(k1);
            return this;
        }

        /** BM25 b of a new index, in [0, 1] (default 0.4). */
        public Builder b(float b) {
            this.b = RetrieverOptions.checkB(b);
            return this;
        }

        /** Whether BM25 and hybrid hits carry their best passage (default true). */
        public Builder highlights(boolean highlights) {
            this.highlights = highlights;
            return this;
        }

        /** Index and delete actions per {@code _bulk} request (default 500). */
        public Builder batchSize(int batchSize) {
            this.batchSize = atLeast(batchSize, 1, "batch-size");
            return this;
        }

        /** Retries of a request or bulk item rejected as retryable, or of a round of unreachable nodes (default 3). */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = atLeast(maxRetries, 0, "max-retries");
            return this;
        }

        /** The first pause before a retry (default 200 ms; doubled each time). */
        Builder initialBackoff(Duration pause) {
            this.initialBackoff = positive(pause, "backoff");
            return this;
        }

        /** How retries wait (tests record instead of sleeping). */
        Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Connects, creates the index or checks the existing one, and waits until it is at least yellow.
         *
         * @throws IllegalArgumentException when no URL was given, or vector or hybrid mode has no embedder
         * @throws OpenSearchRetrieverException when the cluster cannot be reached, refuses the credentials, holds an
         *     incompatible index of that name, or the index stays red
         */
        public OpenSearchRetriever build() {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("the opensearch retriever needs at least one node URL (option 'url',"
                        + " e.g. http://localhost:9200)");
            }
            if (mode != SearchMode.BM25 && embedder == null) {
                throw new IllegalArgumentException("mode '" + mode.optionValue() + "' needs an embedder (option"
                        + " 'embedder' naming one of the embedders on the class path, or an Embedder service)");
            }
            OpenSearchRetriever retriever = new OpenSearchRetriever(this);
            log.debug("opened {}", retriever);
            return retriever;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        private static int atLeast(int n, int min, String what) {
            if (n < min) {
                throw new IllegalArgumentException(what + " must be at least " + min + ", got " + n);
            }
            return n;
        }
    }

    /**
     * Parses a node URL: {@code http} or {@code https}, a host, an optional port and path prefix; no credentials
     * (the message does not repeat the URL then, so that a password in it is not echoed), no query or fragment.
     */
    static URI parseUrl(String url) {
        String u = url.trim();
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option 'url': not a URL: '" + (u.contains("@") ? "<hidden>" : u) + "'");
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw new IllegalArgumentException("option 'url' must not carry credentials (user:password@host); use the"
                    + " options 'username' and 'password' (or 'api-key')");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("option 'url': '" + u + "' must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("option 'url': '" + u + "' has no host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("option 'url': '" + u + "' must not have a query or fragment");
        }
        return uri;
    }
}
