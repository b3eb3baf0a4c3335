package dev.llamakit.apps.cli.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The keys file ({@code keys.toml} next to the configuration, mode 600): API keys by name, written by
 * {@code llama keys set NAME}. {@link #toString()} shows names only.
 */
public final class KeyStore {
    private final Path file;
    private final Map<String, String> keys;

    private KeyStore(Path file, Map<String, String> keys) {
        this.file = Objects.requireNonNull(file, "file");
        this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
    }

    /** The keys in {@code file}; none when it does not exist. A malformed file fails with its path and line. */
    public static KeyStore load(Path file) {
        String text = PrivateFiles.readIfExists(file);
        Map<String, String> keys = new TreeMap<>();
        if (text != null) {
            for (TomlSubset.Entry e : TomlSubset.parse(file, text)) {
                if (!e.table().isEmpty()) {
                    throw new ConfigException(file + ":" + e.line() + ": the keys file has no tables, only name = \"key\" lines");
                }
                if (!TomlSubset.isBare(e.key())) {
                    throw new ConfigException(file + ":" + e.line() + ": a key name is letters, digits, '-' and '_'");
                }
                if (keys.put(e.key(), e.value()) != null) {
                    throw new ConfigException(file + ":" + e.line() + ": the key '" + e.key() + "' is stored twice");
                }
            }
        }
        return new KeyStore(file, keys);
    }

    public Path file() {
        return file;
    }

    /** The names of the stored keys, sorted. */
    public Set<String> names() {
        return keys.keySet();
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(keys.get(name));
    }

    /** A store with {@code name} set to {@code key}; call {@link #save()} to write it. */
    public KeyStore with(String name, String key) {
        checkName(name);
        Objects.requireNonNull(key, "key");
        Map<String, String> copy = new TreeMap<>(keys);
        copy.put(name, key);
        return new KeyStore(file, copy);
    }

    /** A store without {@code name}. */
    public KeyStore without(String name) {
        Map<String, String> copy = new TreeMap<>(keys);
        copy.remove(name);
        return new KeyStore(file, copy);
    }

    /** Writes the file atomically, mode 600. */
    public void save() {
        StringBuilder sb = new StringBuilder("# llamakit API keys, written by 'llama keys set NAME'. Keep this file private (mode 600).\n");
        keys.forEach((name, key) -> sb.append(name).append(" = ").append(TomlSubset.quote(key)).append('\n'));
        PrivateFiles.write(file, sb.toString());
    }

    /** Checks a key's name: letters, digits, {@code -} and {@code _}. */
    public static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!TomlSubset.isBare(name)) {
            throw new ConfigException("a key name is letters, digits, '-' and '_', e.g. ollama");
        }
        return name;
    }

    @Override
    public String toString() {
        return "KeyStore[" + file + ", names=" + keys.keySet() + "]";
    }
}
