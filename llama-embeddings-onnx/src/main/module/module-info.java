/**
 * llamakit's in-process embedders on ONNX Runtime: the models that ship in jars ({@code all-minilm-l6-v2-q},
 * {@code bge-small-en-v1.5-q}) and any ONNX sentence-embedding model on disk ({@code onnx}).
 */
@SuppressWarnings("requires-automatic") // onnxruntime and DJL publish automatic module names only
module dev.llamakit.embed.onnx {
    requires transitive dev.llamakit.core;
    requires com.microsoft.onnxruntime;
    requires ai.djl.tokenizers;
    requires org.slf4j;

    exports dev.llamakit.embed.onnx;

    provides dev.llamakit.embed.EmbedderProvider with dev.llamakit.embed.onnx.AllMiniLmL6V2QEmbedderProvider,
            dev.llamakit.embed.onnx.BgeSmallEnV15QEmbedderProvider,
            dev.llamakit.embed.onnx.OnnxEmbedderProvider;
}
