package dev.llamakit.apps.cli.config;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A key of the configuration file: the settings of a profile, and {@code default-profile} at the top. */
public enum Setting {
    /** The server's URL, e.g. {@code http://localhost:11434/v1}. */
    BASE_URL("base-url", "the server's URL, e.g. http://localhost:11434/v1"),
    /** {@code llama} or {@code openai}; when unset, chosen from the base URL. */
    DIALECT("dialect", "llama or openai (else chosen from the base URL)"),
    /** The model used when {@code --model} is not given. */
    MODEL("model", "the model used when --model is not given"),
    /** A GGUF file run in-process (llama-local) instead of calling a server. */
    MODEL_FILE("model-file", "a GGUF model file run in-process instead of calling a server"),
    /** Where the API key comes from: {@code keys:NAME}, {@code env:VAR} or {@code file:PATH}; never the key itself. */
    KEY("key", "where the API key comes from: keys:NAME, env:VAR or file:PATH"),
    /** The database user of {@code llama chat --store jdbc:...} (else {@code LLAMA_STORE_USER}). */
    STORE_USER("store-user", "the database user of chat --store jdbc:... (else LLAMA_STORE_USER)"),
    /** Where the database password of {@code --store jdbc:...} comes from: {@code keys:NAME}, {@code env:VAR} or {@code file:PATH}. */
    STORE_PASSWORD("store-password", "where the database password of chat --store jdbc:... comes from: keys:NAME, env:VAR or file:PATH"),
    /** The profile used when neither {@code --profile} nor {@code LLAMA_PROFILE} names one (top level, not per profile). */
    DEFAULT_PROFILE("default-profile", "the profile used when neither --profile nor LLAMA_PROFILE names one");

    private final String key;
    private final String description;

    Setting(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** The name in the file and on the command line, e.g. {@code base-url}. */
    public String key() {
        return key;
    }

    public String description() {
        return description;
    }

    /** Whether the setting belongs to a profile (all but {@code default-profile}). */
    public boolean perProfile() {
        return this != DEFAULT_PROFILE;
    }

    /** All keys, in file order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(Setting::key).toList();
    }

    /** The setting named {@code key}; an unknown key fails with the closest name and the list. */
    public static Setting of(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw new ConfigException("unknown setting '" + key + "'" + Suggestions.didYouMean(key, keys())
                + "; settings: " + String.join(", ", keys()));
    }

    /**
     * The value checked and normalized for this setting. Errors never quote a {@link #KEY} value: a key pasted by
     * mistake must not end up on the screen.
     */
    public String validate(String value) {
        String v = value.strip();
        if (v.isEmpty()) {
            throw new ConfigException(key + " must not be empty");
        }
        switch (this) {
            case BASE_URL -> {
                URI uri;
                try {
                    uri = URI.create(v);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("base-url is not a valid URL");
                }
                if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
                        || uri.getHost() == null) {
                    throw new ConfigException("base-url must be an http(s) URL such as http://localhost:11434/v1");
                }
                if (uri.getRawUserInfo() != null) {
                    throw new ConfigException("base-url must not hold a user:password@ part: store the secret with "
                            + "'llama keys set' and point the profile's key at it");
                }
            }
            case DIALECT -> {
                v = v.toLowerCase(Locale.ROOT);
                if (!v.equals("llama") && !v.equals("openai")) {
                    throw new ConfigException("dialect must be llama or openai");
                }
            }
            case KEY, STORE_PASSWORD -> KeySource.parse(v);
            case DEFAULT_PROFILE -> Profile.checkName(v);
            case MODEL, STORE_USER, MODEL_FILE -> { }
        }
        return v;
    }
}
