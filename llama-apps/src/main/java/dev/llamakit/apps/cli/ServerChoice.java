package dev.llamakit.apps.cli;

import dev.llamakit.apps.cli.config.CliConfig;
import dev.llamakit.apps.cli.config.ConfigException;
import dev.llamakit.apps.cli.config.ConfigFolder;
import dev.llamakit.apps.cli.config.KeySource;
import dev.llamakit.apps.cli.config.KeyStore;
import dev.llamakit.apps.cli.config.Profile;
import dev.llamakit.apps.cli.config.Setting;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The server a command talks to and how it was chosen: base URL, dialect, API key, model and profile.
 *
 * <p>Each setting comes from the first of: its flag ({@code --base-url}, {@code --dialect}, {@code --api-key},
 * {@code --model}); the profile named with {@code --profile}; the environment ({@code LLAMA_BASE_URL} or, with the
 * openai dialect, {@code OPENAI_BASE_URL}; {@code LLAMA_DIALECT}; the key variable the client library reads for the
 * server, {@code LLAMA_API_KEY} for the Llama API and {@code OPENAI_API_KEY} elsewhere; {@code LLAMA_MODEL}); the
 * profile named by {@code LLAMA_PROFILE} or the file's {@code default-profile} (else the profile {@code default});
 * defaults. With no dialect set, it is chosen from the base URL: native only at the Llama API's host.
 *
 * <p>A profile describes one server (its {@code base-url}; without one, the Llama API): when {@code --base-url} or
 * {@code LLAMA_BASE_URL} points at another origin, none of the profile's settings apply, so its key (its
 * {@code key} source, or a stored key named like the profile) and its model never go to another server.
 *
 * @param baseUrl    the URL as given, or null for the dialect's default (the Llama API)
 * @param baseUrlFrom where the base URL came from, e.g. {@code --base-url}
 * @param dialect    the wire format
 * @param dialectWhy why that dialect, in words
 * @param key        the API key, or null (never shown: {@link #toString()} leaves it out)
 * @param keyFrom    where the key came from ({@code --api-key}, {@code OPENAI_API_KEY}, {@code keys:NAME}), or null
 * @param profileSkipped why the profile in use does not apply to this server (it is for another), or null
 * @param model      the model from a flag, variable or profile, or null (then the server or the default decides)
 * @param modelFrom  where the model came from, or null
 * @param profile    the profile in effect
 * @param keyVariable the environment variable the key is read from for this server
 * @param modelFile  a GGUF file to run in-process ({@code --model-file} or the profile's {@code model-file}), or null
 */
record ServerChoice(String baseUrl, String baseUrlFrom, Dialect dialect, String dialectWhy, String key, String keyFrom,
                    String profileSkipped, String model, String modelFrom, String profile, String keyVariable,
                    String modelFile) {
    /** The only host that speaks the native Llama API. */
    static final String LLAMA_API_HOST = "api.llama.com";

    ServerChoice {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(dialectWhy, "dialectWhy");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(keyVariable, "keyVariable");
    }

    /** A value and where it came from. */
    private record Found(String value, String from) {
    }

    /** Resolves the options against the context's environment and configuration folder. */
    static ServerChoice resolve(CommonOptions o, CliContext ctx) {
        ConfigFolder folder = ConfigFolder.locate(ctx.env(), ctx.home());
        CliConfig config = CliConfig.load(folder.configFile());
        ProfileInUse inUse = ProfileInUse.of(o, ctx, config);
        String profileName = inUse.name();
        boolean namedByFlag = inUse.namedByFlag();
        Profile profile = inUse.required() ? config.require(profileName)
                : config.profile(profileName).orElse(Profile.empty(profileName));
        String profileLabel = "profile " + profileName;

        // the dialect as set by someone, if anyone
        Found dialectSet = first(found(blank(o.dialect), "--dialect"),
                namedByFlag ? fromProfile(profile, Setting.DIALECT, profileLabel) : null,
                found(ctx.variable("LLAMA_DIALECT"), "LLAMA_DIALECT"),
                namedByFlag ? null : fromProfile(profile, Setting.DIALECT, profileLabel));
        Dialect explicit = dialectSet == null ? null : parseDialect(dialectSet.value(), dialectSet.from());

        List<Found> envUrls = new ArrayList<>();
        if (explicit == Dialect.OPENAI) {
            envUrls.add(found(ctx.variable("OPENAI_BASE_URL"), "OPENAI_BASE_URL"));
        } else {
            envUrls.add(found(ctx.variable("LLAMA_BASE_URL"), "LLAMA_BASE_URL"));
            envUrls.add(found(ctx.variable("LLAMA_API_CLIENT_BASE_URL"), "LLAMA_API_CLIENT_BASE_URL"));
        }
        Found url = first(found(blank(o.baseUrl), "--base-url"),
                namedByFlag ? fromProfile(profile, Setting.BASE_URL, profileLabel) : null,
                envUrls.get(0), envUrls.size() > 1 ? envUrls.get(1) : null,
                namedByFlag ? null : fromProfile(profile, Setting.BASE_URL, profileLabel));
        String baseUrl = url == null ? null : url.value().strip();

        // a profile describes one server (without a base-url: the Llama API); elsewhere none of it applies
        String profileUrl = profile.get(Setting.BASE_URL).orElse(LlamaClient.DEFAULT_BASE_URL);
        boolean applies = sameOrigin(baseUrl != null ? baseUrl : LlamaClient.DEFAULT_BASE_URL, profileUrl);
        KeyStore keys = KeyStore.load(folder.keysFile());
        Optional<KeySource> profileKey = profile.get(Setting.KEY).map(KeySource::parse)
                .or(() -> keys.get(profileName).map(k -> new KeySource.Stored(profileName)));
        String skipped = null;
        if (!applies) {
            if (!profile.values().isEmpty() || profileKey.isPresent()) {
                skipped = "not applied: its server is " + origin(profileUrl)
                        + profileKey.map(k -> ", its key (" + k.spec() + ") stays there").orElse("");
            }
            profile = Profile.empty(profileName);
            profileKey = Optional.empty();
            dialectSet = first(found(blank(o.dialect), "--dialect"), found(ctx.variable("LLAMA_DIALECT"), "LLAMA_DIALECT"));
            explicit = dialectSet == null ? null : parseDialect(dialectSet.value(), dialectSet.from());
        }

        Dialect dialect;
        String why;
        if (explicit != null) {
            dialect = explicit;
            why = "set by " + dialectSet.from();
        } else {
            dialect = inferDialect(baseUrl);
            why = baseUrl == null ? "no base URL: the Llama API"
                    : dialect == Dialect.LLAMA ? "the Llama API's own host"
                    : isLlamaApiHost(baseUrl) ? "the Llama API's OpenAI-compatible path"
                    : uri(baseUrl).map(URI::getHost).orElse("the host") + " is not " + LLAMA_API_HOST + ", the Llama API's host";
        }

        String effectiveUrl = baseUrl != null ? baseUrl
                : dialect == Dialect.OPENAI ? LlamaClient.DEFAULT_COMPAT_BASE_URL : LlamaClient.DEFAULT_BASE_URL;
        String keyVariable = keyVariable(dialect, effectiveUrl);

        String key = null;
        String keyFrom = null;
        if (blank(o.apiKey) != null) {
            key = o.apiKey.strip();
            keyFrom = "--api-key";
        }
        for (int tier = 0; key == null && tier < 3; tier++) {
            boolean profileTier = tier == 0 && namedByFlag || tier == 2 && !namedByFlag;
            if (tier == 1) {
                key = ctx.variable(keyVariable);
                keyFrom = key == null ? null : keyVariable;
            } else if (profileTier && profileKey.isPresent()) {
                key = profileKey.get().read(ctx.env(), keys, folder.dir(), ctx.home());
                keyFrom = profileKey.get().spec() + " (" + profileLabel + ")";
            }
        }

        Found model = first(found(blank(o.model), "--model"),
                namedByFlag ? fromProfile(profile, Setting.MODEL, profileLabel) : null,
                found(ctx.variable("LLAMA_MODEL"), "LLAMA_MODEL"),
                namedByFlag ? null : fromProfile(profile, Setting.MODEL, profileLabel));
        String modelFile = blank(o.modelFile) != null ? o.modelFile.strip() : profile.get(Setting.MODEL_FILE).orElse(null);
        return new ServerChoice(baseUrl, url == null ? null : url.from(), dialect, why, key, keyFrom, skipped,
                model == null ? null : model.value(), model == null ? null : model.from(), profileName, keyVariable,
                modelFile);
    }

    /** The dialect for a base URL nobody chose one for: native only at the Llama API's host (not its /compat path). */
    static Dialect inferDialect(String baseUrl) {
        if (baseUrl == null) {
            return Dialect.LLAMA;
        }
        if (!isLlamaApiHost(baseUrl)) {
            return Dialect.OPENAI;
        }
        String path = uri(baseUrl).map(URI::getPath).orElse("");
        return path != null && path.startsWith("/compat") ? Dialect.OPENAI : Dialect.LLAMA;
    }

    /** Whether this server is the Llama API itself (its host), where the built-in default model exists. */
    boolean llamaApi() {
        return baseUrl == null || isLlamaApiHost(baseUrl);
    }

    /** The base URL without user-info, for messages. */
    String shownUrl() {
        String url = baseUrl != null ? baseUrl
                : dialect == Dialect.OPENAI ? LlamaClient.DEFAULT_COMPAT_BASE_URL : LlamaClient.DEFAULT_BASE_URL;
        return uri(url).filter(u -> u.getRawUserInfo() != null)
                .map(u -> u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                        + Objects.toString(u.getRawPath(), ""))
                .orElse(url);
    }

    /** One line for {@code -v}: server, dialect and why, where the key comes from (never the key), the profile. */
    String describe() {
        return "server " + shownUrl() + " (" + (baseUrlFrom == null ? "default" : baseUrlFrom) + "), dialect "
                + dialect.name().toLowerCase(Locale.ROOT) + " (" + dialectWhy + "), key "
                + (keyFrom != null ? "from " + keyFrom : "none") + ", profile " + profile
                + (profileSkipped != null ? " (" + profileSkipped + ")" : "");
    }

    @Override
    public String toString() {
        return "ServerChoice[" + describe() + "]";
    }

    private static String keyVariable(Dialect dialect, String url) {
        return uri(url).map(dialect::apiKeyVariable).orElse(dialect == Dialect.OPENAI ? "OPENAI_API_KEY" : "LLAMA_API_KEY");
    }

    private static boolean isLlamaApiHost(String url) {
        return uri(url).map(URI::getHost).map(h -> h.equalsIgnoreCase(LLAMA_API_HOST)).orElse(false);
    }

    private static Dialect parseDialect(String value, String from) {
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "llama":
                return Dialect.LLAMA;
            case "openai":
                return Dialect.OPENAI;
            default:
                throw new CliException(from.startsWith("--") ? ExitCodes.USAGE : ExitCodes.INPUT,
                        "unknown dialect '" + value + "' (" + from + "): use llama or openai");
        }
    }

    private static boolean sameOrigin(String a, String b) {
        return origin(a).equals(origin(b));
    }

    /** {@code scheme://host:port}, the port made explicit. */
    static String origin(String url) {
        return uri(url).filter(u -> u.getScheme() != null && u.getHost() != null).map(u -> {
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        }).orElse("(unparsable URL)");
    }

    private static Optional<URI> uri(String url) {
        try {
            return Optional.of(URI.create(url.strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Found fromProfile(Profile p, Setting s, String label) {
        return p.get(s).map(v -> new Found(v, label)).orElse(null);
    }

    private static Found found(String value, String from) {
        return value == null ? null : new Found(value, from);
    }

    private static Found first(Found... candidates) {
        for (Found f : candidates) {
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
