package dev.llamakit.apps.cli;

import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import picocli.CommandLine.Option;

/** The options every command takes (a picocli mixin). */
public final class CommonOptions {
    /** The model used when {@code --model} is not given. */
    public static final String DEFAULT_MODEL = "Llama-3.3-8B-Instruct";

    @Option(names = "--base-url", paramLabel = "URL",
            description = "Server URL, e.g. http://localhost:8000/v1 (else LLAMA_BASE_URL, or OPENAI_BASE_URL with --dialect openai; else the Llama API).")
    String baseUrl;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key (else LLAMA_API_KEY; OPENAI_API_KEY for another OpenAI-compatible server).")
    String apiKey;

    @Option(names = "--dialect", paramLabel = "llama|openai", defaultValue = "llama",
            description = "Wire format: llama (native Llama API) or openai (vLLM, Ollama, llama.cpp, ...). Default: ${DEFAULT-VALUE}.")
    String dialect;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = DEFAULT_MODEL,
            description = "Model name. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--offline",
            description = "Use no model: extractive summaries and answers. Also the default when neither a key nor a base URL is set.")
    boolean offline;

    @Option(names = "--json", description = "Machine-readable JSON output.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Debug logs on stderr, and stack traces with errors.")
    boolean verbose;

    /**
     * The key from the option, else from the variable the client library reads for this dialect and server
     * ({@code LLAMA_API_KEY}, or {@code OPENAI_API_KEY} for an OpenAI-compatible server other than the Llama API);
     * null when neither is set.
     */
    String apiKey(CliContext ctx) {
        if (apiKey != null && !apiKey.isBlank()) {
            return apiKey;
        }
        return ctx.variable(apiKeyVariable(ctx));
    }

    /** The environment variable the key comes from for this dialect and server. */
    String apiKeyVariable(CliContext ctx) {
        String url = baseUrl(ctx);
        try {
            return dialect().apiKeyVariable(java.net.URI.create(url != null ? url.strip()
                    : dialect() == Dialect.OPENAI ? LlamaClient.DEFAULT_COMPAT_BASE_URL : LlamaClient.DEFAULT_BASE_URL));
        } catch (IllegalArgumentException e) {
            return dialect() == Dialect.OPENAI ? "OPENAI_API_KEY" : "LLAMA_API_KEY"; // the URL is refused later, in words
        }
    }

    /** The base URL from the option, else {@code LLAMA_BASE_URL} (native) or {@code OPENAI_BASE_URL}; null when neither is set. */
    String baseUrl(CliContext ctx) {
        if (baseUrl != null && !baseUrl.isBlank()) {
            return baseUrl;
        }
        String url = ctx.variable(dialect().baseUrlVariable());
        return url != null || dialect() != Dialect.LLAMA ? url : ctx.variable("LLAMA_API_CLIENT_BASE_URL");
    }

    /** Offline: {@code --offline}, or no key and no base URL anywhere. */
    boolean offline(CliContext ctx) {
        return offline || (apiKey(ctx) == null && baseUrl(ctx) == null);
    }

    Dialect dialect() {
        switch (dialect.toLowerCase(java.util.Locale.ROOT)) {
            case "llama":
                return Dialect.LLAMA;
            case "openai":
                return Dialect.OPENAI;
            default:
                throw new CliException(ExitCodes.USAGE, "unknown dialect '" + dialect + "': use llama or openai");
        }
    }

    /** A client for the configured server (call only when not offline). */
    LlamaClient client(CliContext ctx) {
        LlamaClient.Builder b = LlamaClient.builder().dialect(dialect());
        String key = apiKey(ctx);
        if (key != null) {
            b.apiKey(key);
        }
        String url = baseUrl(ctx);
        if (url != null) {
            try {
                b.baseUrl(url);
            } catch (IllegalArgumentException e) {
                throw CliException.input("bad base URL: " + e.getMessage());
            }
        }
        return b.build();
    }
}
