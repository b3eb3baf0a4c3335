package dev.llamakit.apps.cli;

import dev.llamakit.client.ChatModel;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.client.Model;
import dev.llamakit.client.error.NotFoundException;
import dev.llamakit.client.error.UnsupportedEndpointException;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command takes (a picocli mixin), and the server they choose ({@link ServerChoice}: flags, then
 * the profile named with {@code --profile}, then the environment, then the configured profile, then defaults).
 */
public final class CommonOptions {
    /** The model used at the Llama API when none is configured. */
    public static final String DEFAULT_MODEL = "Llama-3.3-8B-Instruct";

    @Option(names = "--base-url", paramLabel = "URL",
            description = "Server URL, e.g. http://localhost:11434/v1 (else the profile's base-url, LLAMA_BASE_URL, or OPENAI_BASE_URL with --dialect openai; else the Llama API).")
    String baseUrl;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key; better kept out of the command line: 'llama keys set', or LLAMA_API_KEY (the Llama API) / OPENAI_API_KEY (other servers).")
    String apiKey;

    @Option(names = "--dialect", paramLabel = "llama|openai",
            description = "Wire format (else LLAMA_DIALECT or the profile's dialect): default llama at the Llama API's host (api.llama.com), openai for any other server (vLLM, Ollama, llama.cpp, LM Studio, ...).")
    String dialect;

    @Option(names = "--model", paramLabel = "NAME",
            description = "Model name (else LLAMA_MODEL or the profile's model; else the server's only model, or " + DEFAULT_MODEL + " at the Llama API).")
    String model;

    @Option(names = "--model-file", paramLabel = "PATH.gguf",
            description = "Run this GGUF model in-process (llama-local) instead of calling a server (else the profile's model-file).")
    String modelFile;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Configuration profile (else LLAMA_PROFILE, else the config file's default-profile); see 'llama config'.")
    String profile;

    @Option(names = "--offline",
            description = "Use no model: extractive summaries and answers. Also the default when neither a key nor a base URL is set.")
    boolean offline;

    @Option(names = "--json", description = "Machine-readable JSON output.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Debug logs on stderr (with the server, dialect and model chosen, and why), and stack traces with errors.")
    boolean verbose;

    /** The command this mixin is in: its {@code localModel} mixin, when it has one, holds --threads and --ctx-size. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private ServerChoice server;
    private LlamaClient client;
    private LocalModel local;

    /** The server chosen for this run (resolved once). */
    ServerChoice server(CliContext ctx) {
        if (server == null) {
            server = ServerChoice.resolve(this, ctx);
            LocalModelOptions o = localModelOptions();
            if (server.modelFile() == null && (o.threads != null || o.ctxSize != null)) {
                throw CliException.input("--threads and --ctx-size are for a local model: add --model-file PATH.gguf "
                        + "(or set model-file in the config)");
            }
        }
        return server;
    }

    private LocalModelOptions localModelOptions() {
        return mixee != null && mixee.mixins().get("localModel") != null
                ? (LocalModelOptions) mixee.mixins().get("localModel").userObject() : new LocalModelOptions();
    }

    /** The environment variable the key is read from for this dialect and server. */
    String apiKeyVariable(CliContext ctx) {
        return server(ctx).keyVariable();
    }

    /** Offline: {@code --offline}, or no key and no base URL anywhere (flags, environment, profile). */
    boolean offline(CliContext ctx) {
        if (offline) {
            return true;
        }
        if (server(ctx).modelFile() != null) {
            return false;
        }
        ServerChoice s = server(ctx);
        return s.key() == null && s.baseUrl() == null;
    }

    /** The model to talk to (call only when not offline): the local GGUF model when one is set, else the {@link #client}. */
    ChatModel chatModel(CliContext ctx) {
        String file = server(ctx).modelFile();
        if (file == null) {
            return client(ctx);
        }
        if (local == null) {
            LocalModelOptions o = localModelOptions();
            local = new LocalModel(file, o.threads, o.ctxSize, ctx.err(), quiet || json);
        }
        return local.model();
    }

    /** A client for the chosen server (call only when not offline). The client reads nothing from the environment itself. */
    LlamaClient client(CliContext ctx) {
        if (client == null) {
            ServerChoice s = server(ctx);
            LlamaClient.Builder b = LlamaClient.builder().dialect(s.dialect()).environment(name -> null);
            if (s.key() != null) {
                b.apiKey(s.key());
            }
            try {
                b.baseUrl(s.baseUrl() != null ? s.baseUrl()
                        : s.dialect() == Dialect.OPENAI ? LlamaClient.DEFAULT_COMPAT_BASE_URL : LlamaClient.DEFAULT_BASE_URL);
            } catch (IllegalArgumentException e) {
                throw CliException.input("bad base URL" + (s.baseUrlFrom() == null ? "" : " (" + s.baseUrlFrom() + ")")
                        + ": " + e.getMessage());
            }
            client = b.build();
        }
        return client;
    }

    /**
     * Settles {@link #model} for a command that talks to a model: the configured one; else the built-in default at the
     * Llama API; else the server's only model. Several and none chosen is an input error listing them. With {@code -v}
     * says which server, dialect and model were chosen, and why.
     */
    void chooseModel(CliContext ctx) {
        ServerChoice s = server(ctx);
        String why;
        if (s.modelFile() != null) {
            model = ((dev.llamakit.local.LocalChatModel) chatModel(ctx)).name();
            why = "the GGUF file " + s.modelFile() + ", run in-process";
        } else if (s.model() != null) {
            model = s.model();
            why = "from " + s.modelFrom();
        } else if (s.dialect() == Dialect.LLAMA || s.llamaApi()) {
            model = DEFAULT_MODEL;
            why = "the default at the Llama API";
        } else {
            List<Model> served;
            try {
                served = client(ctx).models();
            } catch (NotFoundException | UnsupportedEndpointException e) {
                throw CliException.input("no model chosen and " + s.shownUrl() + " does not list its models: "
                        + "use --model NAME or 'llama config set model NAME'");
            }
            if (served.size() == 1) {
                model = served.get(0).id();
                why = "the only model " + s.shownUrl() + " serves";
            } else if (served.isEmpty()) {
                throw CliException.input(s.shownUrl() + " serves no models: load one on the server, or use --model NAME");
            } else {
                throw CliException.input("no model chosen and " + s.shownUrl() + " serves " + served.size() + ": "
                        + served.stream().map(Model::id).collect(Collectors.joining(", "))
                        + "; use --model NAME, or 'llama config set model NAME" + profileFlag(s) + "'");
            }
        }
        if (verbose) {
            ctx.err().println("llama: model " + model + " (" + why + ")");
            ctx.err().flush();
        }
    }

    /** With {@code -v}: one line saying which server and dialect were chosen and why, and where the key came from. */
    void explain(CliContext ctx) {
        if (verbose) {
            ctx.err().println("llama: " + server(ctx).describe());
            ctx.err().flush();
        }
    }

    /** What a 401 means here: a refused key (and where it came from), or that no key was sent and how to set one. */
    String unauthorized(CliContext ctx) {
        ServerChoice s = server(ctx);
        if (s.key() != null) {
            return "the server at " + s.shownUrl() + " refused the API key from " + s.keyFrom()
                    + " (401): check it, or store another with 'llama keys set " + s.profile() + "'";
        }
        String profileServer = "profile " + s.profile();
        boolean fromProfile = s.baseUrl() == null || profileServer.equals(s.baseUrlFrom());
        return "the server at " + s.shownUrl() + " answered 401 (unauthorized) and no API key was sent"
                + (s.profileSkipped() != null ? " (profile " + s.profile() + " " + s.profileSkipped() + ")" : "") + ": "
                + (fromProfile ? "store one with 'llama keys set " + s.profile() + "' (prompts for it), set " + s.keyVariable()
                        + " or pass --api-key"
                : "set " + s.keyVariable() + " or pass --api-key, or keep this server in a profile: 'llama config set base-url "
                        + s.shownUrl() + " --profile NAME' and 'llama keys set NAME'");
    }

    private static String profileFlag(ServerChoice s) {
        return s.profile().equals(dev.llamakit.apps.cli.config.CliConfig.DEFAULT) ? "" : " --profile " + s.profile();
    }
}
