package dev.llamakit.retrieval.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.retrieval.opensearch.OpenSearchRetrieverException.Reason;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The index layout: one OpenSearch document per chunk, {@code _id} = {@code <documentId>#<position>} (the chunk's
 * place in its document's chunk list, so that a re-upsert overwrites in place whatever ids the chunker gives).
 *
 * <pre>
 * document_id  keyword      the document's id: deletes and stale-chunk clean-up go by it (a term query)
 * position     integer      0, 1, ... in the chunker's order; position 0 exists for every document (counts go by it)
 * chunk_id     keyword      the chunker's chunk id (in _source only), as the Lucene index keeps it
 * chunk_index  integer      the chunker's chunk index (not indexed)
 * text_hash    keyword      SHA-256 of the embedded text (title + "\n" + text), beside a stored vector, to reuse it
 * title, text  text         English analysis, BM25 (k1, b of the index), text with offsets for highlighting
 * contents     text         title + text (copy_to): the field BM25 searches, like Anserini's flat "contents"
 * start, end   integer      the chunk's offsets in the document's text (not indexed)
 * metadata.*   keyword      every metadata value an exact keyword (dynamic template), for filters
 * embedding    knn_vector   HNSW, Lucene engine, cosine similarity; only with an embedder
 * </pre>
 *
 * The mapping's {@code _meta.llamakit} records the schema version, the analyzer, BM25's k1 and b, and the embedder's
 * name and dimension, so that an index is never searched or written with settings it was not built for.
 */
final class IndexSchema {
    static final String SCHEMA_VERSION = "2";
    static final String ANALYZER = "english";
    static final String SIMILARITY = "llamakit_bm25";
    static final String DOCUMENT_ID = "document_id";
    static final String POSITION = "position";
    static final String CHUNK_ID = "chunk_id";
    static final String CHUNK_INDEX = "chunk_index";
    static final String TEXT_HASH = "text_hash";
    static final String TITLE = "title";
    static final String TEXT = "text";
    static final String CONTENTS = "contents";
    static final String START = "start";
    static final String END = "end";
    static final String METADATA = "metadata";
    static final String EMBEDDING = "embedding";

    private final float k1;
    private final float b;
    private final String embedder;
    private final int dimensions;

    /** {@code embedder} null (and {@code dimensions} 0) for an index without vectors. */
    IndexSchema(float k1, float b, String embedder, int dimensions) {
        this.k1 = k1;
        this.b = b;
        this.embedder = embedder;
        this.dimensions = dimensions;
    }

    boolean hasVectors() {
        return embedder != null;
    }

    /** The body of the create-index request. */
    ObjectNode createBody(int shards, int replicas) {
        ObjectNode body = Json.object();
        ObjectNode index = body.putObject("settings").putObject("index");
        index.put("number_of_shards", shards);
        index.put("number_of_replicas", replicas);
        if (hasVectors()) {
            index.put("knn", true);
        }
        index.putObject("similarity").putObject(SIMILARITY).put("type", "BM25").put("k1", k1).put("b", b);

        ObjectNode mappings = body.putObject("mappings");
        mappings.put("dynamic", "strict");
        mappings.put("date_detection", false);
        mappings.put("numeric_detection", false);
        ObjectNode meta = mappings.putObject("_meta").putObject("llamakit");
        meta.put("schema", SCHEMA_VERSION);
        meta.put("analyzer", ANALYZER);
        meta.put("k1", k1);
        meta.put("b", b);
        if (hasVectors()) {
            meta.put("embedder", embedder);
            meta.put("dimensions", dimensions);
        }
        mappings.putArray("dynamic_templates").addObject().putObject("metadata_keywords")
                .put("path_match", METADATA + ".*")
                .put("match_mapping_type", "string")
                .putObject("mapping").put("type", "keyword");

        ObjectNode p = mappings.putObject("properties");
        p.putObject(DOCUMENT_ID).put("type", "keyword");
        p.putObject(POSITION).put("type", "integer");
        p.putObject(CHUNK_ID).put("type", "keyword").put("index", false).put("doc_values", false);
        p.putObject(CHUNK_INDEX).put("type", "integer").put("index", false);
        p.putObject(TEXT_HASH).put("type", "keyword");
        text(p.putObject(TITLE)).putArray("copy_to").add(CONTENTS);
        text(p.putObject(TEXT)).put("index_options", "offsets").putArray("copy_to").add(CONTENTS);
        text(p.putObject(CONTENTS));
        p.putObject(START).put("type", "integer").put("index", false);
        p.putObject(END).put("type", "integer").put("index", false);
        p.putObject(METADATA).put("type", "object").put("dynamic", true);
        if (hasVectors()) {
            ObjectNode vector = p.putObject(EMBEDDING);
            vector.put("type", "knn_vector").put("dimension", dimensions);
            vector.putObject("method").put("name", "hnsw").put("engine", "lucene").put("space_type", "cosinesimil")
                    .putObject("parameters").put("m", 16).put("ef_construction", 128);
        }
        return body;
    }

    private static ObjectNode text(ObjectNode field) {
        return field.put("type", "text").put("analyzer", ANALYZER).put("similarity", SIMILARITY);
    }

    /**
     * Fails with {@link Reason#MAPPING_CONFLICT} unless the existing index (the answer of {@code GET <index>/_mapping})
     * was made by this retriever with the same analysis, BM25 parameters and embedder.
     */
    void checkCompatible(String index, JsonNode mappingResponse) {
        if (mappingResponse == null || !mappingResponse.isObject() || mappingResponse.size() != 1) {
            throw conflict(index, "'" + index + "' is an alias of " + (mappingResponse == null ? 0 : mappingResponse.size())
                    + " indices; use one index");
        }
        Map.Entry<String, JsonNode> only = mappingResponse.properties().iterator().next();
        JsonNode mappings = only.getValue().path("mappings");
        JsonNode meta = mappings.path("_meta").path("llamakit");
        if (meta.isMissingNode()) {
            throw conflict(index, "it was not created by llamakit's opensearch retriever (its mapping has no"
                    + " _meta.llamakit); use another index name, or delete the index yourself");
        }
        String schema = meta.path("schema").asText("");
        if (!SCHEMA_VERSION.equals(schema)) {
            throw conflict(index, "it has schema version '" + schema + "', this retriever writes version "
                    + SCHEMA_VERSION + "; reindex into a new index");
        }
        JsonNode props = mappings.path("properties");
        String analyzer = props.path(TEXT).path("analyzer").asText("standard");
        if (!ANALYZER.equals(analyzer) || !props.has(CONTENTS) || !props.has(DOCUMENT_ID) || !props.has(POSITION)) {
            throw conflict(index, "its 'text' field is analysed with '" + analyzer + "' (or fields are missing);"
                    + " this retriever needs '" + ANALYZER + "'");
        }
        double metaK1 = meta.path("k1").asDouble(Double.NaN);
        double metaB = meta.path("b").asDouble(Double.NaN);
        if (!(Math.abs(metaK1 - k1) < 1e-6 && Math.abs(metaB - b) < 1e-6)) {
            throw conflict(index, String.format(Locale.ROOT, "it scores BM25 with k1=%s, b=%s; this retriever asks"
                    + " for k1=%s, b=%s (set when an index is created); use the index's values or a new index",
                    fmt(metaK1), fmt(metaB), fmt(k1), fmt(b)));
        }
        String indexEmbedder = meta.path("embedder").isTextual() ? meta.path("embedder").asText() : null;
        JsonNode vector = props.path(EMBEDDING);
        if (indexEmbedder == null && hasVectors()) {
            throw conflict(index, "it was created without vectors, and this retriever embeds with '" + embedder
                    + "'; vector and hybrid search need an index created with an embedder: use a new index");
        }
        if (indexEmbedder != null && !hasVectors()) {
            throw conflict(index, "it holds vectors of embedder '" + indexEmbedder + "' ("
                    + vector.path("dimension").asInt() + " dimensions); give this retriever that embedder"
                    + " (option 'embedder'), so that its writes keep the vectors complete");
        }
        if (indexEmbedder != null) {
            if (!indexEmbedder.equals(embedder)) {
                throw conflict(index, "it holds vectors of embedder '" + indexEmbedder + "', not of '" + embedder
                        + "'; vectors of different models cannot be compared: use a new index for '" + embedder + "'");
            }
            int indexDimensions = vector.path("dimension").asInt(-1);
            if (indexDimensions != dimensions) {
                throw conflict(index, "its vectors have " + indexDimensions + " dimensions, embedder '" + embedder
                        + "' gives " + dimensions);
            }
            JsonNode method = vector.path("method");
            String engine = method.path("engine").asText("");
            String space = method.path("space_type").asText(vector.path("space_type").asText(""));
            if (!"knn_vector".equals(vector.path("type").asText()) || !"lucene".equals(engine)
                    || !"cosinesimil".equals(space)) {
                throw conflict(index, "its 'embedding' field is " + vector.path("type").asText("missing")
                        + " (engine '" + engine + "', space '" + space + "'); this retriever needs a knn_vector with"
                        + " the lucene engine and cosinesimil");
            }
        }
    }

    private static String fmt(double d) {
        return Double.isNaN(d) ? "?" : Float.toString((float) d);
    }

    private static OpenSearchRetrieverException conflict(String index, String why) {
        return new OpenSearchRetrieverException(Reason.MAPPING_CONFLICT, 0,
                "index '" + index + "' cannot be used: " + why, null);
    }

    /** Checks an index name against OpenSearch's rules, failing with the rule broken. */
    static String checkIndexName(String name) {
        String n = name.trim();
        String problem = null;
        if (n.isEmpty()) {
            problem = "it is empty";
        } else if (!n.equals(n.toLowerCase(Locale.ROOT))) {
            problem = "it must be lower case";
        } else if (n.equals(".") || n.equals("..")) {
            problem = "it must not be '.' or '..'";
        } else if ("-_+".indexOf(n.charAt(0)) >= 0) {
            problem = "it must not start with '-', '_' or '+'";
        } else if (n.getBytes(StandardCharsets.UTF_8).length > 255) {
            problem = "it is longer than 255 bytes";
        } else {
            for (char c : n.toCharArray()) {
                if ("\\/*?\"<>| ,#:".indexOf(c) >= 0) {
                    problem = "it must not contain '" + c + "' (nor any of \\ / * ? \" < > | space , # :)";
                    break;
                }
            }
        }
        if (problem != null) {
            throw new IllegalArgumentException("option 'index': '" + name + "' is not a valid OpenSearch index name: "
                    + problem);
        }
        return n;
    }

    /**
     * The path of an index, {@code /<name>}, the name percent-encoded as UTF-8: OpenSearch allows characters in index
     * names that a URL must escape ({@code % + [ ] { } ^ ` ~}, non-ASCII letters), and decodes them again.
     */
    static String path(String index) {
        return "/" + URLEncoder.encode(index, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The concrete index name an answer keyed by index names is about (the first key). */
    static String firstKey(JsonNode node) {
        Iterator<String> names = node.fieldNames();
        return names.hasNext() ? names.next() : "";
    }

    @Override
    public String toString() {
        return "IndexSchema[v" + SCHEMA_VERSION + ", " + ANALYZER + ", k1=" + k1 + ", b=" + b
                + (hasVectors() ? ", " + embedder + "/" + dimensions : ", no vectors") + "]";
    }
}
