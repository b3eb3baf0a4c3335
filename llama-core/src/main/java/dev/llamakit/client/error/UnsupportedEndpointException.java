package dev.llamakit.client.error;

import java.util.Objects;
import java.util.Optional;

/**
 * The server has no endpoint for this call: for example moderation on an OpenAI-compatible server (vLLM, Ollama,
 * llama.cpp), which has no {@code /moderations} route. For moderation, classify with
 * {@link dev.llamakit.moderation.LlamaGuardModerator} on a Llama Guard model served through chat completions.
 * Not retried. When the server answered, the cause is its {@link NotFoundException}.
 */
public class UnsupportedEndpointException extends LlamaException {
    private final String endpoint;

    public UnsupportedEndpointException(String endpoint, String message, LlamaApiException cause) {
        super(message, cause);
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** The missing endpoint, for example {@code POST /moderations}. */
    public String endpoint() {
        return endpoint;
    }

    /** The server's answer (a 404), or empty when the client knew without asking. */
    public Optional<LlamaApiException> serverResponse() {
        return Optional.ofNullable((LlamaApiException) getCause());
    }
}
