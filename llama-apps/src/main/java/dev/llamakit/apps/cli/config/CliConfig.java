package dev.llamakit.apps.cli.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration file ({@code config.toml}): named profiles and the default profile.
 *
 * <pre>
 * default-profile = "ollama"
 *
 * [profiles.ollama]
 * base-url = "http://localhost:11434/v1"
 * model = "llama3.2"
 * key = "env:OLLAMA_API_KEY"
 * </pre>
 *
 * @param file           where it is read from and written to
 * @param defaultProfile the profile used when none is named, or null
 * @param profiles       the profiles by name, in file order
 */
public record CliConfig(Path file, String defaultProfile, Map<String, Profile> profiles) {
    /** The profile used when none is named and the file names no default. */
    public static final String DEFAULT = "default";

    public CliConfig {
        Objects.requireNonNull(file, "file");
        profiles = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(profiles, "profiles")));
    }

    /** The configuration in {@code file}; empty when it does not exist. A malformed file fails with path and line. */
    public static CliConfig load(Path file) {
        String text = PrivateFiles.readIfExists(file);
        String defaultProfile = null;
        Map<String, Profile> profiles = new LinkedHashMap<>();
        if (text == null) {
            return new CliConfig(file, null, profiles);
        }
        for (TomlSubset.Entry e : TomlSubset.parse(file, text)) {
            String where = file + ":" + e.line() + ": ";
            try {
                if (e.table().isEmpty()) {
                    Setting s = Setting.of(e.key());
                    if (s.perProfile()) {
                        throw new ConfigException(s.key() + " belongs to a profile: put it under [profiles.NAME]");
                    }
                    if (defaultProfile != null) {
                        throw new ConfigException("default-profile is set twice");
                    }
                    defaultProfile = s.validate(e.value());
                } else if (e.table().size() == 2 && e.table().get(0).equals("profiles")) {
                    String name = e.table().get(1);
                    Profile p = profiles.get(name);
                    if (e.header()) {
                        if (p != null) {
                            throw new ConfigException("[profiles." + name + "] appears twice");
                        }
                        profiles.put(name, Profile.empty(name));
                        continue;
                    }
                    Setting s = Setting.of(e.key());
                    if (!s.perProfile()) {
                        throw new ConfigException("default-profile goes at the top of the file, before any [profiles.NAME]");
                    }
                    if (p.get(s).isPresent()) {
                        throw new ConfigException(s.key() + " is set twice in [profiles." + name + "]");
                    }
                    profiles.put(name, p.with(s, s.validate(e.value())));
                } else if (e.header()) {
                    throw new ConfigException("unknown table [" + String.join(".", e.table())
                            + "]: profiles go under [profiles.NAME]");
                }
            } catch (ConfigException ex) {
                throw ex.getMessage().startsWith(file + ":") ? ex : new ConfigException(where + ex.getMessage(), ex);
            }
        }
        return new CliConfig(file, defaultProfile, profiles);
    }

    /** The profile called {@code name}, if the file has it. */
    public Optional<Profile> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    /** The profile named {@code name}, failing with the profiles there are (and the closest name) when it is missing. */
    public Profile require(String name) {
        Profile p = profiles.get(name);
        if (p == null) {
            throw new ConfigException("no profile '" + name + "' in " + file + Suggestions.didYouMean(name, profiles.keySet())
                    + (profiles.isEmpty() ? "; create it with 'llama config set base-url URL --profile " + name + "'"
                    : "; profiles: " + String.join(", ", profiles.keySet())));
        }
        return p;
    }

    /** This configuration with {@code setting} set to {@code value} in profile {@code profile} (created when missing). */
    public CliConfig with(String profile, Setting setting, String value) {
        String v = setting.validate(value);
        if (!setting.perProfile()) {
            return new CliConfig(file, v, profiles);
        }
        Map<String, Profile> copy = new LinkedHashMap<>(profiles);
        copy.put(profile, copy.getOrDefault(profile, Profile.empty(profile)).with(setting, v));
        return new CliConfig(file, defaultProfile, copy);
    }

    /** This configuration without {@code setting} in {@code profile}. */
    public CliConfig without(String profile, Setting setting) {
        if (!setting.perProfile()) {
            return new CliConfig(file, null, profiles);
        }
        Map<String, Profile> copy = new LinkedHashMap<>(profiles);
        copy.computeIfPresent(profile, (n, p) -> p.without(setting));
        return new CliConfig(file, defaultProfile, copy);
    }

    /** The file's text. */
    public String text() {
        StringBuilder sb = new StringBuilder("# llamakit command line configuration, written by 'llama config set'"
                + " (comments are not kept).\n");
        if (defaultProfile != null) {
            sb.append(Setting.DEFAULT_PROFILE.key()).append(" = ").append(TomlSubset.quote(defaultProfile)).append('\n');
        }
        for (Profile p : profiles.values()) {
            sb.append('\n').append("[profiles.").append(TomlSubset.key(p.name())).append("]\n");
            p.values().forEach((s, v) -> sb.append(s.key()).append(" = ").append(TomlSubset.quote(v)).append('\n'));
        }
        return sb.toString();
    }

    /** Writes the file atomically, mode 600. */
    public void save() {
        PrivateFiles.write(file, text());
    }

    /** The keys a profile can hold, for messages. */
    static List<String> profileKeys() {
        return Setting.keys().stream().filter(k -> Setting.of(k).perProfile()).toList();
    }
}
