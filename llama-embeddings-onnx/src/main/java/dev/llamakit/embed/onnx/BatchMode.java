package dev.llamakit.embed.onnx;

/**
 * How {@link OnnxEmbedder#embed} groups texts into model runs. Internal (the harness measures the modes).
 *
 * <p>Dynamically quantized models (both built-in ones) quantize activations with one scale for the whole input
 * tensor, so a text's vector depends on the other texts of its batch (cosine down to about 0.98 measured). Such a
 * model is run one text at a time; a full-precision model is batched with padding, which changes nothing.
 */
enum BatchMode {
    /** Probe the model when it is loaded: {@link #PADDED} when a text's vector is the same alone and in a batch, else {@link #SINGLE}. */
    AUTO,
    /** Up to {@code batch-size} texts per run, padded to the longest. */
    PADDED,
    /** One text per run. */
    SINGLE
}
