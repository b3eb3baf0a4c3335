package dev.llamakit.embed.onnx;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.EmbedderProvider;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The provider of {@code onnx}: any sentence-transformer encoder exported to ONNX, loaded from files. Options:
 *
 * <ul>
 *   <li>{@value #NAME} (required): the embedder's stable name, stored with an index so that vectors of different
 *       models never mix (lower case letters, digits, {@code .}, {@code _}, {@code -});</li>
 *   <li>{@value #MODEL} (required): the path of the {@code .onnx} file;</li>
 *   <li>{@value #TOKENIZER} (required): the path of the model's {@code tokenizer.json};</li>
 *   <li>{@value #POOLING}: {@code mean} (default) or {@code cls};</li>
 *   <li>{@value #MAX_LENGTH}: tokens per text, special tokens included (default 512);</li>
 *   <li>{@value #QUERY_PREFIX}: put before queries by {@code embedQuery} (default none);</li>
 *   <li>{@value #BATCH_SIZE}: texts per model run (default 32);</li>
 *   <li>{@value #THREADS}: ONNX Runtime intra-op threads (default: the available processors).</li>
 * </ul>
 */
public final class OnnxEmbedderProvider implements EmbedderProvider {
    public static final String NAME = "name";
    public static final String MODEL = "model";
    public static final String TOKENIZER = "tokenizer";
    public static final String POOLING = "pooling";
    public static final String MAX_LENGTH = "max-length";
    public static final String QUERY_PREFIX = "query-prefix";
    public static final String BATCH_SIZE = "batch-size";
    public static final String THREADS = "threads";

    /** The options every ONNX provider takes: {@value #BATCH_SIZE} and {@value #THREADS}. */
    static final Set<String> RUNTIME_KEYS = Set.of(BATCH_SIZE, THREADS);

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of(NAME, MODEL, TOKENIZER, POOLING, MAX_LENGTH, QUERY_PREFIX, BATCH_SIZE, THREADS);
    }

    @Override
    public String description() {
        return "a sentence-transformer ONNX model from a path (model, tokenizer, name, pooling, max-length, query-prefix)";
    }

    @Override
    public Embedder create(ProviderOptions options) {
        options.requireOnly(name(), optionKeys());
        OnnxEmbedder.Builder b = OnnxEmbedder.builder()
                .name(required(options, NAME, "the embedder's stable name, stored with an index so that vectors of"
                        + " different models never mix, e.g. name=e5-small-v2-q"))
                .model(path(options, MODEL, "the .onnx file"))
                .tokenizer(path(options, TOKENIZER, "the model's tokenizer.json"))
                .pooling(Pooling.parse(options.string(POOLING, "mean")))
                .maxLength(options.integer(MAX_LENGTH, 512, 2))
                .queryPrefix(options.string(QUERY_PREFIX, ""));
        return runtimeOptions(b, options).build();
    }

    /** Applies {@value #BATCH_SIZE} and {@value #THREADS}. */
    static OnnxEmbedder.Builder runtimeOptions(OnnxEmbedder.Builder b, ProviderOptions options) {
        b.batchSize(options.integer(BATCH_SIZE, 32, 1));
        if (options.string(THREADS).isPresent()) {
            b.threads(options.integer(THREADS, 1, 1));
        }
        return b;
    }

    private String required(ProviderOptions options, String key, String what) {
        String v = options.string(key).map(String::trim).orElse("");
        if (v.isEmpty()) {
            throw new IllegalArgumentException("option '" + key + "' of '" + name() + "' is required: " + what);
        }
        return v;
    }

    private Path path(ProviderOptions options, String key, String what) {
        String v = required(options, key, "the path of " + what);
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("option '" + key + "' is not a valid path: '" + v + "'", e);
        }
    }
}
