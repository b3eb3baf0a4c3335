package dev.llamakit.client.error;

/** The client is not configured for the call, for example no API key for the Llama dialect. */
public class LlamaConfigurationException extends LlamaException {
    public LlamaConfigurationException(String message) {
        super(message);
    }
}
