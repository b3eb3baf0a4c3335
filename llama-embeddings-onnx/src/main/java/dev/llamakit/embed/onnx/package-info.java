/**
 * In-process sentence embeddings: ONNX Runtime runs a sentence-transformer encoder and the Hugging Face tokenizer
 * (through DJL's native binding) turns text into its input. {@link dev.llamakit.embed.onnx.OnnxEmbedder} is the
 * {@link dev.llamakit.embed.Embedder}; the providers {@code all-minilm-l6-v2-q}, {@code bge-small-en-v1.5-q} (models
 * shipped in jars) and {@code onnx} (any model from a path) make it by name through
 * {@link dev.llamakit.embed.Embedders}. Nothing is downloaded at run time.
 */
package dev.llamakit.embed.onnx;
