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
    LLAMA("LLAMA_BASE_URL"),
    OPENAI("OPENAI_BASE_URL");

    /** The Llama API's host: the only host a {@code LLAMA_API_KEY} from the environment is sent to on {@link #OPENAI}. */
    static final String LLAMA_API_HOST = "api.llama.com";

    private final String baseUrlVariable;

    Dialect(String baseUrlVariable) {
        this.baseUrlVariable = baseUrlVariable;
    }

    /** The environment variable a client of this dialect reads its base URL from when none is given. */
    public String baseUrlVariable() {
        return baseUrlVariable;
    }

    /**
     * The environment variable a client of this dialect reads its API key from, for a server at {@code baseUrl}:
     * {@code LLAMA_API_KEY} for the native API and for the Llama API's own compat endpoint, {@code OPENAI_API_KEY}
     * for any other OpenAI-compatible server (the openai SDKs' convention). A key read from the environment is so
     * never sent to a server it was not issued for.
     */
    public String apiKeyVariable(java.net.URI baseUrl) {
        java.util.Objects.requireNonNull(baseUrl, "baseUrl");
        if (this == LLAMA || LLAMA_API_HOST.equalsIgnoreCase(baseUrl.getHost())) {
            return "LLAMA_API_KEY";
        }
        return "OPENAI_API_KEY";
    }
}
