package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.IndexText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives chunks their vectors when they are indexed, calling the embedder only for text it has not embedded before:
 * each chunk with a vector also carries the SHA-256 of its embedded text ({@link #VECTOR_KEY}), and before embedding
 * a batch the index is asked for chunks with the same keys, whose stored vectors are copied. So re-upserting an
 * unchanged document embeds nothing, and a changed document embeds only its changed chunks. Identical texts within
 * one upsert are embedded once. The index's embedder is fixed (its name, dimensions and {@linkplain #probe() probe
 * vector} are in the commit data), so a key always stands for the same vector. Vectors are normalised to unit length again on the way in (the similarity is
 * {@link VectorSimilarityFunction#DOT_PRODUCT}); a zero vector (nothing to embed) leaves the chunk without one.
 */
final class VectorIndexer implements AutoCloseable {
    /** The field holding a chunk's vector (HNSW graph and raw floats). */
    static final String VECTOR_FIELD = "_vector";
    /** The field holding the SHA-256 of the text the vector was computed from (an exact term). */
    static final String VECTOR_KEY = "_vkey";
    /** Dot product: every stored and query vector has unit length, so it equals the cosine and costs less. */
    static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;
    /** Texts per call of the embedder; progress is reported after each. */
    static final int BATCH = 64;

    /** The text whose vector identifies what an embedder computes ({@link #probe()}). */
    static final String PROBE_TEXT = probeText();
    /** The least cosine between two probes of the same computation. */
    static final double SAME_PROBE = 0.9999;

    private static final Logger log = LoggerFactory.getLogger(VectorIndexer.class);

    private final Embedder embedder;
    private final boolean ownsEmbedder;
    private final EmbeddingProgress progress;
    private final String name;
    private final int dimensions;

    /**
     * @param ownsEmbedder whether {@link #close()} closes the embedder (it was created by name, not passed in)
     * @throws IllegalArgumentException when the embedder's name is blank or its dimensions are not 1 to 1,024
     */
    VectorIndexer(Embedder embedder, boolean ownsEmbedder, EmbeddingProgress progress) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.ownsEmbedder = ownsEmbedder;
        this.progress = Objects.requireNonNull(progress, "progress");
        this.name = embedder.name();
        this.dimensions = embedder.dimensions();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("the embedder " + embedder.getClass().getName() + " has no name");
        }
        if (dimensions < 1 || dimensions > KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS) {
            throw new IllegalArgumentException("embedder '" + name + "' makes vectors of " + dimensions
                    + " dimensions; Lucene's vector index takes 1 to " + KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS);
        }
    }

    /**
     * What the embedder computes, as the commit data stores it: its unit vector of {@link #PROBE_TEXT} (base64 of
     * little-endian floats). A different model, pooling or length limit gives another vector under the same name.
     */
    String probe() {
        List<float[]> vectors = embedder.embed(List.of(PROBE_TEXT));
        if (vectors == null || vectors.size() != 1) {
            throw new IllegalStateException("embedder '" + name + "' returned " + (vectors == null ? "null"
                    : vectors.size() + " vectors") + " for 1 text");
        }
        float[] unit = normalised(vectors.get(0), name, dimensions, "the probe text");
        ByteBuffer bytes = ByteBuffer.allocate(4 * dimensions).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < dimensions; i++) {
            bytes.putFloat(unit == null ? 0f : unit[i]);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /**
     * Whether two {@link #probe()} values come from the same computation: the same length and a cosine of at least
     * {@value #SAME_PROBE}, which float noise (threads, SIMD) keeps but another model, pooling or truncation does not.
     */
    static boolean sameComputation(String a, String b) {
        float[] x = decode(a);
        float[] y = decode(b);
        if (x == null || y == null || x.length != y.length) {
            return false;
        }
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += (double) x[i] * y[i];
            nx += (double) x[i] * x[i];
            ny += (double) y[i] * y[i];
        }
        if (nx == 0 || ny == 0) {
            return nx == ny;
        }
        return dot / Math.sqrt(nx * ny) >= SAME_PROBE;
    }

    private static float[] decode(String probe) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(probe);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.length % 4 != 0) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[raw.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = bytes.getFloat();
        }
        return v;
    }

    /** A fixed text of about 700 distinct-ish words: longer than common length limits, so truncation shows. */
    private static String probeText() {
        String[] words = ("river stone light market winter garden signal paper silver engine forest letter doctor"
                + " island window theory music number harbor bridge orange planet coffee animal summer mountain"
                + " question history energy village picture student kitchen machine ocean morning language"
                + " science memory travel yellow record wooden thunder castle border credit simple battle camera")
                .split(" ");
        StringBuilder text = new StringBuilder("llamakit embedder probe. ");
        long state = 0x2545F4914F6CDD1DL;
        for (int i = 0; i < 700; i++) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            text.append(words[(int) Math.floorMod(state, (long) words.length)]);
            text.append(i % 12 == 11 ? ". " : " ");
        }
        return text.toString().trim();
    }

    String embedderName() {
        return name;
    }

    int dimensions() {
        return dimensions;
    }

    Embedder embedder() {
        return embedder;
    }

    /**
     * The vector of every chunk (absent when the embedder gave a zero vector): reused from the index where a chunk
     * with the same text has one, embedded otherwise.
     */
    Map<Chunk, float[]> vectorsFor(List<Chunk> chunks, ChunkStore store) {
        Map<String, String> texts = new LinkedHashMap<>(); // key -> text, in first-seen order
        Map<Chunk, String> keys = new IdentityHashMap<>();
        for (Chunk chunk : chunks) {
            String text = IndexText.of(chunk);
            String key = IndexText.hash(text);
            keys.put(chunk, key);
            texts.putIfAbsent(key, text);
        }
        Map<String, float[]> known = new HashMap<>(store.read(searcher -> stored(searcher, texts.keySet())));
        List<String> missing = new ArrayList<>();
        for (String key : texts.keySet()) {
            if (!known.containsKey(key)) {
                missing.add(key);
            }
        }
        int reused = texts.size() - missing.size();
        for (int from = 0; from < missing.size(); from += BATCH) {
            List<String> batchKeys = missing.subList(from, Math.min(missing.size(), from + BATCH));
            List<String> batch = batchKeys.stream().map(texts::get).toList();
            List<float[]> vectors = embedder.embed(batch);
            if (vectors == null || vectors.size() != batch.size()) {
                throw new IllegalStateException("embedder '" + name + "' returned " + (vectors == null ? "null"
                        : vectors.size() + " vectors") + " for " + batch.size() + " texts");
            }
            for (int i = 0; i < batch.size(); i++) {
                known.put(batchKeys.get(i), normalised(vectors.get(i), name, dimensions, "a chunk"));
            }
            progress.embedded(from + batch.size(), missing.size());
        }
        if (log.isDebugEnabled()) {
            log.debug("{} chunks: {} distinct texts, {} vectors reused, {} embedded with {}", chunks.size(),
                    texts.size(), reused, missing.size(), name);
        }
        Map<Chunk, float[]> out = new IdentityHashMap<>();
        for (Chunk chunk : chunks) {
            float[] v = known.get(keys.get(chunk));
            if (v != null) {
                out.put(chunk, v);
            }
        }
        return out;
    }

    /** The vector fields of a chunk: none when it has no vector. */
    void addFields(Chunk chunk, float[] vector, List<IndexableField> fields) {
        if (vector != null) {
            fields.add(new KnnFloatVectorField(VECTOR_FIELD, vector, SIMILARITY));
            fields.add(new StringField(VECTOR_KEY, IndexText.hash(IndexText.of(chunk)), Field.Store.NO));
        }
    }

    /** The stored vectors of live chunks whose key is one of {@code keys}. */
    private static Map<String, float[]> stored(IndexSearcher searcher, java.util.Collection<String> keys)
            throws IOException {
        Map<String, float[]> found = new HashMap<>();
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Terms terms = leaf.reader().terms(VECTOR_KEY);
            FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR_FIELD);
            if (terms == null || values == null) {
                continue;
            }
            Bits live = leaf.reader().getLiveDocs();
            TermsEnum te = terms.iterator();
            TreeMap<Integer, String> docs = new TreeMap<>(); // doc -> key, read in doc order (forward-only values)
            PostingsEnum postings = null;
            for (String key : keys) {
                if (found.containsKey(key) || !te.seekExact(new BytesRef(key))) {
                    continue;
                }
                postings = te.postings(postings, PostingsEnum.NONE);
                for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                    if (live == null || live.get(doc)) {
                        docs.putIfAbsent(doc, key);
                        break;
                    }
                }
            }
            for (Map.Entry<Integer, String> e : docs.entrySet()) {
                int doc = e.getKey();
                int at = values.docID() < doc ? values.advance(doc) : values.docID();
                if (at == doc && !found.containsKey(e.getValue())) {
                    found.put(e.getValue(), values.vectorValue().clone());
                }
            }
        }
        return found;
    }

    /**
     * A unit-length copy of {@code vector}, or {@code null} for a zero vector.
     *
     * @throws IllegalStateException when it has the wrong length or a non-finite value
     */
    static float[] normalised(float[] vector, String embedder, int dimensions, String what) {
        if (vector == null || vector.length != dimensions) {
            throw new IllegalStateException("embedder '" + embedder + "' returned " + (vector == null ? "no vector"
                    : "a vector of " + vector.length + " dimensions") + " for " + what + "; it declares "
                    + dimensions);
        }
        double sum = 0;
        for (float x : vector) {
            if (!Float.isFinite(x)) {
                throw new IllegalStateException("embedder '" + embedder + "' returned a vector holding " + x
                        + " for " + what);
            }
            sum += (double) x * x;
        }
        if (sum == 0) {
            return null;
        }
        double norm = Math.sqrt(sum);
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }

    /** Closes the embedder when it was created for this index. */
    @Override
    public void close() {
        if (ownsEmbedder) {
            embedder.close();
        }
    }
}
