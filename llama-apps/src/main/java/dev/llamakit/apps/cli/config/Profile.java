package dev.llamakit.apps.cli.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A named set of settings ({@code [profiles.NAME]} in the configuration file): base URL, dialect, model and key
 * source, each optional.
 *
 * @param name   letters, digits, {@code -} and {@code _}
 * @param values the settings that are set (no {@link Setting#DEFAULT_PROFILE})
 */
public record Profile(String name, Map<Setting, String> values) {
    public Profile {
        checkName(name);
        EnumMap<Setting, String> copy = new EnumMap<>(Setting.class);
        copy.putAll(Objects.requireNonNull(values, "values"));
        if (copy.containsKey(Setting.DEFAULT_PROFILE)) {
            throw new IllegalArgumentException("default-profile is not a profile setting");
        }
        values = Collections.unmodifiableMap(copy);
    }

    /** A profile with nothing set. */
    public static Profile empty(String name) {
        return new Profile(name, Map.of());
    }

    public Optional<String> get(Setting setting) {
        return Optional.ofNullable(values.get(setting));
    }

    /** This profile with {@code setting} set to {@code value} (already validated). */
    public Profile with(Setting setting, String value) {
        EnumMap<Setting, String> copy = new EnumMap<>(Setting.class);
        copy.putAll(values);
        copy.put(setting, Objects.requireNonNull(value, "value"));
        return new Profile(name, copy);
    }

    /** This profile without {@code setting}. */
    public Profile without(Setting setting) {
        EnumMap<Setting, String> copy = new EnumMap<>(Setting.class);
        copy.putAll(values);
        copy.remove(setting);
        return new Profile(name, copy);
    }

    static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!TomlSubset.isBare(name)) {
            throw new ConfigException("a profile name is letters, digits, '-' and '_': '" + name + "'");
        }
        return name;
    }
}
