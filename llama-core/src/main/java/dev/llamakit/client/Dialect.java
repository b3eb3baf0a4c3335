package dev.llamakit.client;

/**
 * The wire format a server speaks. Both map onto the same Java types.
 *
 * <ul>
 *   <li>{@link #LLAMA}: the native Llama API ({@code https://api.llama.com/v1}): {@code completion_message},
 *       {@code metrics}, {@code event} streams. An API key is required.
 *   <li>{@link #OPENAI}: OpenAI chat completions ({@code choices}, {@code usage}, {@code chat.completion.chunk}),
 *       for the Llama API's {@code /compat/v1} and for vLLM, Ollama, llama.cpp server, Llama Stack and hosted
 *       providers. An API key is optional, since local servers need none.
 * </ul>
 */
public enum Dialect {
    LLAMA,
    OPENAI
}
