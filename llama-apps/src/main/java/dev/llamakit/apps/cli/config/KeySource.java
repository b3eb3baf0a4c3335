package dev.llamakit.apps.cli.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where a profile's API key comes from, never the key itself: {@code keys:NAME} (the keys file written by
 * {@code llama keys set NAME}), {@code env:VAR} (an environment variable) or {@code file:PATH} (a file holding the
 * key; a relative path is read from the configuration folder, {@code ~/} from the home folder).
 */
public sealed interface KeySource {
    /** The source as written in the configuration file, e.g. {@code keys:ollama}. */
    String spec();

    /** The key, read now; fails in words when it is missing (never quoting a key). */
    String read(UnaryOperator<String> env, KeyStore keys, Path configDir, Path home);

    /** {@code keys:NAME}: a key stored with {@code llama keys set NAME}. */
    record Stored(String name) implements KeySource {
        public Stored {
            KeyStore.checkName(name);
        }

        @Override
        public String spec() {
            return "keys:" + name;
        }

        @Override
        public String read(UnaryOperator<String> env, KeyStore keys, Path configDir, Path home) {
            return keys.get(name).orElseThrow(() -> new ConfigException("no key named '" + name + "' in "
                    + keys.file() + ": store it with 'llama keys set " + name + "'"));
        }
    }

    /** {@code env:VAR}: the value of an environment variable. */
    record Variable(String name) implements KeySource {
        public Variable {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || !name.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
                throw new ConfigException("env: needs a variable name of letters, digits and '_', e.g. env:OLLAMA_API_KEY");
            }
        }

        @Override
        public String spec() {
            return "env:" + name;
        }

        @Override
        public String read(UnaryOperator<String> env, KeyStore keys, Path configDir, Path home) {
            String value = env.apply(name);
            if (value == null || value.isBlank()) {
                throw new ConfigException(name + " is not set (the profile's key is " + spec() + ")");
            }
            return value.strip();
        }
    }

    /** {@code file:PATH}: the first line of a file. */
    record File(String path) implements KeySource {
        public File {
            Objects.requireNonNull(path, "path");
            if (path.isBlank()) {
                throw new ConfigException("file: needs a path, e.g. file:~/.secrets/vllm-key");
            }
        }

        @Override
        public String spec() {
            return "file:" + path;
        }

        /** The file this source reads. */
        public Path resolve(Path configDir, Path home) {
            if (path.equals("~") || path.startsWith("~/")) {
                return home.resolve(path.length() > 2 ? path.substring(2) : "");
            }
            return configDir.resolve(path);
        }

        @Override
        public String read(UnaryOperator<String> env, KeyStore keys, Path configDir, Path home) {
            Path file = resolve(configDir, home);
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException("cannot read the key file " + file + " (" + spec() + "): "
                        + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()), e);
            }
            String key = text.strip().lines().findFirst().orElse("").strip();
            if (key.isEmpty()) {
                throw new ConfigException("the key file " + file + " is empty");
            }
            return key;
        }
    }

    /**
     * Parses {@code keys:NAME}, {@code env:VAR} or {@code file:PATH}. Anything else fails without quoting it: it may
     * be a key pasted where its source belongs.
     */
    static KeySource parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.strip();
        if (s.startsWith("keys:")) {
            return new Stored(s.substring(5));
        }
        if (s.startsWith("env:")) {
            return new Variable(s.substring(4));
        }
        if (s.startsWith("file:")) {
            return new File(s.substring(5));
        }
        throw new ConfigException("a key source is keys:NAME, env:VAR or file:PATH, never the key itself "
                + "(the value is not shown); store a key with 'llama keys set NAME' and use keys:NAME");
    }
}
