package dev.llamakit.apps.cli.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The command line's configuration folder: {@code $XDG_CONFIG_HOME/llamakit} when the variable holds an absolute
 * path, else {@code %APPDATA%\llamakit} on Windows and {@code ~/.config/llamakit} elsewhere (Linux, macOS).
 *
 * @param dir the folder holding {@code config.toml} and {@code keys.toml}
 */
public record ConfigFolder(Path dir) {
    public ConfigFolder {
        Objects.requireNonNull(dir, "dir");
    }

    /** The folder for this environment and home folder, on the running platform. */
    public static ConfigFolder locate(UnaryOperator<String> env, Path home) {
        return locate(env, home, System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows"));
    }

    static ConfigFolder locate(UnaryOperator<String> env, Path home, boolean windows) {
        String xdg = env.apply("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return new ConfigFolder(Path.of(xdg, "llamakit"));
        }
        if (windows) {
            String appData = env.apply("APPDATA");
            Path base = appData != null && !appData.isBlank() ? Path.of(appData) : home.resolve("AppData").resolve("Roaming");
            return new ConfigFolder(base.resolve("llamakit"));
        }
        return new ConfigFolder(home.resolve(".config").resolve("llamakit"));
    }

    /** {@code config.toml}: profiles and the default profile. */
    public Path configFile() {
        return dir.resolve("config.toml");
    }

    /** {@code keys.toml}: stored API keys (mode 600). */
    public Path keysFile() {
        return dir.resolve("keys.toml");
    }
}
