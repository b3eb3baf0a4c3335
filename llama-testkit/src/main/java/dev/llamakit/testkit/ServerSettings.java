package dev.llamakit.testkit;

import java.util.List;

/**
 * The immutable configuration of one server, taken from its {@link LlamaTestServer.Builder}.
 *
 * @param apiKey            the only accepted bearer key, or {@code null} to accept any non-empty one
 * @param requireApiKey     whether requests need an {@code Authorization: Bearer} header at all
 * @param models            the chat model ids served, in listing order
 * @param tokensPerWindow   the token budget reported in {@code x-ratelimit-limit-tokens}
 * @param requestsPerWindow the request budget reported in {@code x-ratelimit-limit-requests}
 * @param errorShape        the body shape of error responses
 */
record ServerSettings(String apiKey, boolean requireApiKey, List<String> models,
                      long tokensPerWindow, long requestsPerWindow, ErrorShape errorShape) {

    /** The moderation model, always accepted by the moderations endpoint. */
    static final String GUARD_MODEL = "Llama-Guard";

    /** The chat models served when the builder names none. */
    static final List<String> DEFAULT_MODELS = List.of(
            "Llama-4-Maverick-17B-128E-Instruct-FP8",
            "Llama-4-Scout-17B-16E-Instruct-FP8",
            "Llama-3.3-70B-Instruct",
            "Llama-3.3-8B-Instruct");

    ServerSettings {
        models = List.copyOf(models);
    }

    /** Never shows the API key. */
    @Override
    public String toString() {
        return "ServerSettings[apiKey=" + (apiKey == null ? "any" : "***") + ", requireApiKey=" + requireApiKey
                + ", models=" + models + ", tokensPerWindow=" + tokensPerWindow
                + ", requestsPerWindow=" + requestsPerWindow + ", errorShape=" + errorShape + "]";
    }
}
