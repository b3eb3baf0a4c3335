package dev.llamakit.embed.onnx;

import ai.onnxruntime.OrtException;
import dev.llamakit.embed.Embedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Embedder} running a sentence-transformer ONNX model in process. Texts are tokenized with the model's
 * Hugging Face {@code tokenizer.json} ({@code [CLS]} text {@code [SEP]}, truncated to {@link Builder#maxLength}),
 * run through ONNX Runtime, pooled ({@link Pooling}) and L2-normalised. The empty text is the sequence
 * {@code [CLS] [SEP]} and gets a unit vector like any other.
 *
 * <p>{@link #embed(List)} runs up to {@link Builder#batchSize} texts together, padded to the longest (texts of
 * similar length are grouped to pad little), unless the model's vectors depend on the batch: dynamically quantized
 * models (both built-in ones) compute one activation scale per batch, so a text's vector would change with its
 * neighbours. When the embedder is built it embeds a probe text alone and beside a longer one; if the two vectors
 * differ, every text is run on its own. Either way the same text always gives the same vector.
 *
 * <p>Thread-safe; {@link #close()} waits for running calls and frees the native session and tokenizer, after which
 * {@code embed} fails with {@link IllegalStateException}.
 *
 * <pre>{@code
 * try (OnnxEmbedder e = OnnxEmbedder.builder().name("my-model")
 *         .model(Path.of("model.onnx")).tokenizer(Path.of("tokenizer.json")).build()) {
 *     float[] v = e.embedQuery("what do llamas eat?");
 * }
 * }</pre>
 */
public final class OnnxEmbedder implements Embedder {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEmbedder.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    /** Largest difference between a probe vector alone and in a batch that still counts as "the same". */
    private static final double BATCH_TOLERANCE = 1e-5;

    private final String name;
    private final Pooling pooling;
    private final int maxLength;
    private final String queryPrefix;
    private final int batchSize;
    private final int threads;
    private final TextTokenizer tokenizer;
    private final EncoderSession session;
    private final int dimensions;
    private final boolean batchInvariant;
    private final BatchMode mode;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxEmbedder(Builder b, TextTokenizer tokenizer, EncoderSession session) {
        this.name = b.name;
        this.pooling = b.pooling;
        this.maxLength = b.maxLength;
        this.queryPrefix = b.queryPrefix;
        this.batchSize = b.batchSize;
        this.threads = b.threads;
        this.tokenizer = tokenizer;
        this.session = session;
        Probe probe = probe(b.model);
        this.dimensions = probe.dimensions;
        this.batchInvariant = probe.batchInvariant;
        this.mode = b.mode == BatchMode.AUTO ? (batchInvariant ? BatchMode.PADDED : BatchMode.SINGLE) : b.mode;
        if (b.mode == BatchMode.AUTO && !batchInvariant && batchSize > 1) {
            LOG.info("embedder '{}': the model's vectors depend on the batch (a dynamically quantized model),"
                    + " so texts are run one at a time", name);
        }
    }

    /** A new builder; {@link Builder#name}, {@link Builder#model} and {@link Builder#tokenizer} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    /** The pooling of the token vectors. */
    public Pooling pooling() {
        return pooling;
    }

    /** The maximum number of tokens of a text, {@code [CLS]} and {@code [SEP]} included; longer texts are truncated. */
    public int maxLength() {
        return maxLength;
    }

    /** What {@link #embedQuery} puts before a query (empty for most models). */
    public String queryPrefix() {
        return queryPrefix;
    }

    /**
     * Whether texts are run together ({@code true}) or one at a time because the model's vectors depend on the batch
     * ({@code false}); see the class description.
     */
    public boolean batched() {
        return mode == BatchMode.PADDED && batchSize > 1;
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code texts} is null
     * @throws IllegalArgumentException naming the position of a null text
     * @throws IllegalStateException after {@link #close()}
     * @throws EmbedderException when ONNX Runtime fails
     */
    @Override
    public List<float[]> embed(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        List<String> copy = new ArrayList<>(texts.size());
        for (String t : texts) {
            if (t == null) {
                throw new IllegalArgumentException("text " + copy.size() + " of " + texts.size() + " is null");
            }
            copy.add(t);
        }
        if (copy.isEmpty()) {
            return List.of();
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            List<TextTokenizer.Tokens> tokens = new ArrayList<>(copy.size());
            for (String t : copy) {
                tokens.add(tokenizer.encode(t));
            }
            return List.of(run(tokens));
        } catch (OrtException e) {
            throw new EmbedderException("embedder '" + name + "' failed to run its model: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The vector of {@link #queryPrefix()} + {@code query}.
     *
     * @throws IllegalArgumentException if {@code query} is null
     */
    @Override
    public float[] embedQuery(String query) {
        if (query == null) {
            throw new IllegalArgumentException("query is null");
        }
        return embed(List.of(queryPrefix + query)).get(0);
    }

    /** The number of tokens the model sees for {@code text}: special tokens included, after truncation. */
    int tokenCount(String text) {
        lock.readLock().lock();
        try {
            ensureOpen();
            return tokenizer.encode(Objects.requireNonNull(text, "text")).length();
        } finally {
            lock.readLock().unlock();
        }
    }

    private float[][] run(List<TextTokenizer.Tokens> tokens) throws OrtException {
        float[][] out = new float[tokens.size()][];
        if (mode == BatchMode.SINGLE || batchSize == 1) {
            for (int i = 0; i < tokens.size(); i++) {
                out[i] = session.run(TokenBatch.of(List.of(tokens.get(i))), pooling)[0];
            }
            return out;
        }
        // group texts of similar length so that batches hold little padding; vectors go back to input order
        Integer[] order = new Integer[tokens.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> tokens.get(i).length()));
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            List<TextTokenizer.Tokens> batch = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                batch.add(tokens.get(order[k]));
            }
            float[][] vectors = session.run(TokenBatch.of(batch), pooling);
            for (int k = from; k < to; k++) {
                out[order[k]] = vectors[k - from];
            }
        }
        return out;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("embedder '" + name + "' is closed");
        }
    }

    /** Frees the ONNX Runtime session and the tokenizer, after waiting for running calls. Closing twice is harmless. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                session.close();
            } finally {
                tokenizer.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + name + ", " + dimensions + " dimensions, " + pooling.name().toLowerCase(Locale.ROOT)
                + " pooling, max " + maxLength + " tokens, " + (batched() ? "batches of " + batchSize : "one text per run")
                + ", " + threads + " thread(s)" + (closed ? ", closed" : "") + "]";
    }

    private record Probe(int dimensions, boolean batchInvariant) {
    }

    /**
     * Runs the model once on a short text alone and once beside a text of {@code maxLength} tokens: checks that model
     * and tokenizer work together at every length, learns the dimensions and whether vectors depend on the batch.
     */
    private Probe probe(Resource model) {
        TextTokenizer.Tokens shortText = tokenizer.encode("Llamas are calm animals.");
        TextTokenizer.Tokens longText = tokenizer.encode("llama ".repeat(maxLength));
        try {
            float[] alone = session.run(TokenBatch.of(List.of(shortText)), pooling)[0];
            float[] inBatch = session.run(TokenBatch.of(List.of(shortText, longText)), pooling)[0];
            double diff = 0;
            for (int d = 0; d < alone.length; d++) {
                diff = Math.max(diff, Math.abs(alone[d] - inBatch[d]));
            }
            return new Probe(alone.length, diff <= BATCH_TOLERANCE);
        } catch (OrtException | RuntimeException e) {
            throw new EmbedderException(model.path(), "the model " + model.describe() + " failed on a probe of "
                    + longText.length() + " tokens (does the tokenizer belong to the model, and does the model take "
                    + maxLength + " tokens?): " + e.getMessage(), e);
        }
    }

    /** Builds an {@link OnnxEmbedder}. */
    public static final class Builder {
        private String name;
        private Resource model;
        private Resource tokenizer;
        private Pooling pooling = Pooling.MEAN;
        private int maxLength = 512;
        private String queryPrefix = "";
        private int batchSize = 32;
        private int threads = Runtime.getRuntime().availableProcessors();
        private BatchMode mode = BatchMode.AUTO;

        private Builder() {
        }

        /**
         * The embedder's stable name, stored with an index so that vectors of different models never mix: name the
         * model (and its settings, if you change them), e.g. {@code e5-small-v2-q}. Lower case letters, digits,
         * {@code .}, {@code _} and {@code -}, at most 100 characters.
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("the embedder name must be 1 to 100 lower case letters, digits, '.', '_'"
                        + " or '-', starting with a letter or digit; got '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** The ONNX model file (a sentence-transformer encoder exported to ONNX). */
        public Builder model(Path model) {
            this.model = Resource.file(Objects.requireNonNull(model, "model"));
            return this;
        }

        /** The model's Hugging Face {@code tokenizer.json}. */
        public Builder tokenizer(Path tokenizer) {
            this.tokenizer = Resource.file(Objects.requireNonNull(tokenizer, "tokenizer"));
            return this;
        }

        Builder source(Resource model, Resource tokenizer) {
            this.model = Objects.requireNonNull(model, "model");
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /** The pooling the model was trained with; default {@link Pooling#MEAN}. */
        public Builder pooling(Pooling pooling) {
            this.pooling = Objects.requireNonNull(pooling, "pooling");
            return this;
        }

        /** Tokens per text, {@code [CLS]} and {@code [SEP]} included; longer texts are truncated. Default 512, at least 2. */
        public Builder maxLength(int maxLength) {
            if (maxLength < 2) {
                throw new IllegalArgumentException("max length must be at least 2 ([CLS] and [SEP]), got " + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        /** Put before every query by {@link OnnxEmbedder#embedQuery}, e.g. {@code "query: "} for E5. Default empty. */
        public Builder queryPrefix(String queryPrefix) {
            this.queryPrefix = Objects.requireNonNull(queryPrefix, "queryPrefix");
            return this;
        }

        /** At most this many texts per model run (when the model allows batching). Default 32, at least 1. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** ONNX Runtime's intra-op threads. Default: the available processors. At least 1. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        Builder batchMode(BatchMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Loads the tokenizer and the model and probes them.
         *
         * @throws IllegalStateException when name, model or tokenizer is missing
         * @throws EmbedderException naming the file when a file is missing, unreadable, not a model or tokenizer, or
         *     when model and tokenizer do not work together
         */
        public OnnxEmbedder build() {
            if (name == null || model == null || tokenizer == null) {
                List<String> missing = new ArrayList<>();
                if (name == null) {
                    missing.add("name");
                }
                if (model == null) {
                    missing.add("model");
                }
                if (tokenizer == null) {
                    missing.add("tokenizer");
                }
                throw new IllegalStateException("an OnnxEmbedder needs a name, a model and a tokenizer; missing: "
                        + String.join(", ", missing));
            }
            TextTokenizer tok = TextTokenizer.load(tokenizer, maxLength);
            EncoderSession session = null;
            try {
                session = EncoderSession.open(model, threads);
                return new OnnxEmbedder(this, tok, session);
            } catch (RuntimeException e) {
                if (session != null) {
                    try {
                        session.close();
                    } catch (RuntimeException closing) {
                        e.addSuppressed(closing);
                    }
                }
                tok.close();
                throw e;
            }
        }
    }
}
