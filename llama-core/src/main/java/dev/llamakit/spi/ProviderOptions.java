package dev.llamakit.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Options for creating a provider's product by name: string values (from configuration, a command line or
 * system properties) plus typed services (a {@code ChatModel}, a {@code TokenCounter}...). Providers read values
 * with the typed getters, which fail with a message naming the option and the provider; the registry that creates
 * a provider's product by name calls {@link #requireOnly(String, Set)} with the provider's option keys first, so that
 * a misspelt option is an error, not silently ignored.
 */
public final class ProviderOptions {
    /** No values and no services. */
    public static final ProviderOptions EMPTY = builder().build();

    private final Map<String, String> values;
    private final Map<Class<?>, Object> services;

    private ProviderOptions(Builder b) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(b.values));
        this.services = Map.copyOf(b.services);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options holding just these values. */
    public static ProviderOptions of(Map<String, String> values) {
        return builder().putAll(values).build();
    }

    /** A builder holding these options, to add to them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.services.putAll(services);
        return b;
    }

    /** The string values, in insertion order. */
    public Map<String, String> values() {
        return values;
    }

    /**
     * Fails when a value's key is not one of {@code known}, listing the known keys.
     *
     * @throws IllegalArgumentException naming the unknown keys, the provider and the keys it knows
     */
    public void requireOnly(String provider, Set<String> known) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option" + (unknown.size() > 1 ? "s " : " ") + unknown + " for '"
                    + provider + "'; it knows: " + (known.isEmpty() ? "no options" : new TreeSet<>(known)));
        }
    }

    /** The value of {@code key}, if set. */
    public Optional<String> string(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The value of {@code key}, or {@code fallback}. */
    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** The integer value of {@code key}, or {@code fallback}; fails clearly on a non-integer. */
    public int integer(String key, int fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '" + key + "' must be an integer, got '" + v + "'");
        }
    }

    /** As {@link #integer(String, int)}, also requiring {@code min <= value}. */
    public int integer(String key, int fallback, int min) {
        int n = integer(key, fallback);
        if (n < min) {
            throw new IllegalArgumentException("option '" + key + "' must be at least " + min + ", got " + n);
        }
        return n;
    }

    /** The decimal value of {@code key}, or {@code fallback}; fails clearly on a non-number. */
    public double decimal(String key, double fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '" + key + "' must be a number, got '" + v + "'");
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("option '" + key + "' must be a finite number, got '" + v + "'");
        }
        return d;
    }

    /** The boolean value of {@code key} ({@code true}/{@code false}), or {@code fallback}. */
    public boolean bool(String key, boolean fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("option '" + key + "' must be true or false, got '" + v + "'");
    }

    /** The service of this type, if given. */
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
    }

    /** The service of this type; fails with a message saying who needs it. */
    public <T> T requireService(Class<T> type, String neededBy) {
        return service(type).orElseThrow(() -> new IllegalArgumentException("'" + neededBy + "' needs a "
                + type.getSimpleName() + ": pass it with ProviderOptions.builder().service(" + type.getSimpleName()
                + ".class, ...)"));
    }

    /** Keys whose values are secrets: never printed. */
    private static final java.util.regex.Pattern SECRET_KEY = java.util.regex.Pattern.compile(
            "(?i)(^|[-_.])(password|passwd|passphrase|secret|api-?key|credentials?|authorization|token)($|[-_.])");

    /** The values, with those of secret-looking keys ({@code password}, {@code api-key}, {@code *-token}...) masked. */
    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        values.forEach((k, v) -> shown.put(k, SECRET_KEY.matcher(k).find() ? "***" : v));
        return "ProviderOptions" + shown + " services=" + services.keySet().stream().map(Class::getSimpleName).toList();
    }

    /** Builds {@link ProviderOptions}. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String key, String value) {
            values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder put(String key, long value) {
            return put(key, Long.toString(value));
        }

        public Builder putAll(Map<String, String> values) {
            Objects.requireNonNull(values, "values").forEach(this::put);
            return this;
        }

        public <T> Builder service(Class<T> type, T service) {
            services.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(service, "service"));
            return this;
        }

        public ProviderOptions build() {
            return new ProviderOptions(this);
        }
    }
}
