package dev.llamakit.embed.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An ONNX Runtime session over a sentence-transformer encoder: feeds {@code input_ids}, {@code attention_mask} and
 * {@code token_type_ids} (each only when the model declares it) and pools the token vectors it returns
 * ({@code last_hidden_state}, {@code token_embeddings}, or the first output), or takes an already pooled
 * {@code [batch, dimensions]} output as it is. {@link #run} is thread-safe, as {@code OrtSession.run} is. Internal.
 */
final class EncoderSession implements AutoCloseable {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    private static final Set<String> KNOWN_INPUTS = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);
    private static final List<String> PREFERRED_OUTPUTS = List.of("last_hidden_state", "token_embeddings");

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Map<String, OnnxJavaType> inputs;
    private final String output;
    private final boolean pooledOutput;

    private EncoderSession(OrtEnvironment env, OrtSession session, Map<String, OnnxJavaType> inputs, String output,
                           boolean pooledOutput) {
        this.env = env;
        this.session = session;
        this.inputs = inputs;
        this.output = output;
        this.pooledOutput = pooledOutput;
    }

    /**
     * Opens the model with {@code threads} intra-op threads.
     *
     * @throws EmbedderException naming the model when it is missing, not an ONNX model, or not an encoder
     */
    static EncoderSession open(Resource model, int threads) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            // idle intra-op threads sleep instead of spinning: the library shares the CPU with the application
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            // input shapes change with every batch: per-shape memory plans only pile up (measured: peak RSS 4.2 GB
            // instead of 2.4 GB for padded batches of 64 SciFact passages with bge-small, and no faster)
            options.setMemoryPatternOptimization(false);
            if (model instanceof Resource.FileResource file) {
                file.check("model");
                session = env.createSession(file.path().toString(), options);
            } else {
                session = env.createSession(model.readAll("model"), options);
            }
        } catch (OrtException e) {
            throw new EmbedderException(model.path(), "the model " + model.describe()
                    + " cannot be loaded by ONNX Runtime (is it an ONNX model?): " + e.getMessage(), e);
        }
        try {
            return describe(env, session, model);
        } catch (RuntimeException | OrtException e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof EmbedderException ee) {
                throw ee;
            }
            throw new EmbedderException(model.path(), "cannot read the inputs and outputs of the model "
                    + model.describe() + ": " + e.getMessage(), e);
        }
    }

    private static EncoderSession describe(OrtEnvironment env, OrtSession session, Resource model) throws OrtException {
        Map<String, NodeInfo> declared = session.getInputInfo();
        if (!declared.containsKey(INPUT_IDS)) {
            throw new EmbedderException(model.path(), "the model " + model.describe() + " has no '" + INPUT_IDS
                    + "' input, so it is not a transformer text encoder; its inputs: " + new TreeSet<>(declared.keySet()), null);
        }
        Map<String, OnnxJavaType> inputs = new HashMap<>();
        for (Map.Entry<String, NodeInfo> e : declared.entrySet()) {
            if (!KNOWN_INPUTS.contains(e.getKey())) {
                throw new EmbedderException(model.path(), "the model " + model.describe() + " needs the input '"
                        + e.getKey() + "', which a sentence-transformer encoder does not have; it can be fed only "
                        + new TreeSet<>(KNOWN_INPUTS), null);
            }
            OnnxJavaType type = e.getValue().getInfo() instanceof TensorInfo t ? t.type : null;
            if (type != OnnxJavaType.INT64 && type != OnnxJavaType.INT32) {
                throw new EmbedderException(model.path(), "the input '" + e.getKey() + "' of the model "
                        + model.describe() + " is " + e.getValue().getInfo() + ", not an int64 or int32 tensor", null);
            }
            inputs.put(e.getKey(), type);
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String output = PREFERRED_OUTPUTS.stream().filter(outputs::containsKey).findFirst()
                .orElse(outputs.keySet().iterator().next());
        NodeInfo info = outputs.get(output);
        if (!(info.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT
                || (t.getShape().length != 3 && t.getShape().length != 2)) {
            throw new EmbedderException(model.path(), "the output '" + output + "' of the model " + model.describe()
                    + " is " + info.getInfo() + ", not float token vectors [batch, tokens, dimensions]"
                    + " or float text vectors [batch, dimensions]", null);
        }
        return new EncoderSession(env, session, Map.copyOf(inputs), output, t.getShape().length == 2);
    }

    /** One unit vector per row of {@code batch}. */
    float[][] run(TokenBatch batch, Pooling pooling) throws OrtException {
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put(INPUT_IDS, tensor(INPUT_IDS, batch.ids, batch.shape()));
            if (inputs.containsKey(ATTENTION_MASK)) {
                feed.put(ATTENTION_MASK, tensor(ATTENTION_MASK, batch.mask, batch.shape()));
            }
            if (inputs.containsKey(TOKEN_TYPE_IDS)) {
                feed.put(TOKEN_TYPE_IDS, tensor(TOKEN_TYPE_IDS, batch.typeIds, batch.shape()));
            }
            try (OrtSession.Result result = session.run(feed, Set.of(output))) {
                OnnxTensor out = (OnnxTensor) result.get(output)
                        .orElseThrow(() -> new IllegalStateException("the model returned no '" + output + "'"));
                long[] shape = out.getInfo().getShape();
                if (pooledOutput) {
                    return Pooler.rows(out.getFloatBuffer(), batch.rows, (int) shape[1]);
                }
                if (shape.length != 3 || shape[0] != batch.rows || shape[1] != batch.columns) {
                    throw new IllegalStateException("the model returned shape " + java.util.Arrays.toString(shape)
                            + " for a batch of " + batch.rows + " x " + batch.columns + " tokens");
                }
                return Pooler.pool(out.getFloatBuffer(), (int) shape[2], batch, pooling);
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor tensor(String input, long[] values, long[] shape) throws OrtException {
        if (inputs.get(input) == OnnxJavaType.INT32) {
            int[] ints = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                ints[i] = Math.toIntExact(values[i]);
            }
            return OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
    }

    /** The inputs the model declares, for diagnostics. */
    Set<String> inputNames() {
        return new TreeSet<>(inputs.keySet());
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new EmbedderException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
        }
    }
}
