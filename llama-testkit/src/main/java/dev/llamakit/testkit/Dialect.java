package dev.llamakit.testkit;

/** The wire dialect a request was sent in, chosen by its path prefix. */
public enum Dialect {
    /** The native Llama API under {@code /v1} ({@code completion_message}, {@code metrics}, {@code event} stream). */
    LLAMA,
    /** The OpenAI-compatible API under {@code /compat/v1} ({@code choices}, {@code usage}, {@code [DONE]}). */
    OPENAI
}
