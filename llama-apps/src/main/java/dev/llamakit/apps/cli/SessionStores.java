package dev.llamakit.apps.cli;

import dev.llamakit.apps.cli.config.CliConfig;
import dev.llamakit.apps.cli.config.ConfigFolder;
import dev.llamakit.apps.cli.config.KeySource;
import dev.llamakit.apps.cli.config.KeyStore;
import dev.llamakit.apps.cli.config.Profile;
import dev.llamakit.apps.cli.config.Setting;
import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.ConversationStores;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where {@code llama chat --session} keeps conversations: {@code file} (a directory) or a database named by a JDBC
 * URL. The database's user and password come from {@value #USER_VARIABLE} and {@value #PASSWORD_VARIABLE}, else from
 * the profile's {@code store-user} and {@code store-password}; never from the command line, where {@code ps} shows them.
 */
final class SessionStores {
    static final String FILE = "file";
    static final String USER_VARIABLE = "LLAMA_STORE_USER";
    static final String PASSWORD_VARIABLE = "LLAMA_STORE_PASSWORD";

    private SessionStores() {
    }

    static boolean isJdbc(String spec) {
        return spec != null && spec.startsWith("jdbc:");
    }

    /** The store named by {@code spec} ({@code file} or a JDBC URL). */
    static ConversationStore open(String spec, Path directory, CommonOptions options, CliContext ctx) {
        if (spec == null || spec.equals(FILE)) {
            return ConversationStores.create(FILE, ProviderOptions.builder().put("directory", directory.toString()).build());
        }
        if (!isJdbc(spec)) {
            throw CliException.input("--store must be 'file' or a JDBC URL such as jdbc:postgresql://db.example/chat, got '"
                    + redact(spec) + "'");
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.contains("password=") || lower.matches("jdbc:[a-z0-9]+://[^/?]*:[^/?]*@.*")) {
            throw CliException.input("--store must not hold a password (it would show in 'ps'): set "
                    + PASSWORD_VARIABLE + " or the profile's store-password");
        }
        if (!ConversationStores.available().contains("jdbc")) {
            throw CliException.input("--store " + redact(spec) + " needs llama-memory-jdbc on the class path");
        }
        ConfigFolder folder = ConfigFolder.locate(ctx.env(), ctx.home());
        CliConfig config = CliConfig.load(folder.configFile());
        String profileName = ProfileInUse.of(options, ctx, config).name();
        Profile profile = config.profile(profileName).orElse(Profile.empty(profileName));
        String user = ctx.variable(USER_VARIABLE);
        if (user == null) {
            user = profile.get(Setting.STORE_USER).orElse(null);
        }
        String password = ctx.variable(PASSWORD_VARIABLE);
        if (password == null) {
            password = profile.get(Setting.STORE_PASSWORD).map(KeySource::parse)
                    .map(k -> k.read(ctx.env(), KeyStore.load(folder.keysFile()), folder.dir(), ctx.home()))
                    .orElse(null);
        }
        ProviderOptions.Builder b = ProviderOptions.builder().put("url", spec).put("create-schema", "true");
        if (user != null) {
            b.put("user", user);
        }
        if (password != null) {
            b.put("password", password);
        }
        return ConversationStores.create("jdbc", b.build());
    }

    /** Where a session is kept, for messages: the directory, or the URL without its parameters. */
    static String describe(String spec, Path directory) {
        return isJdbc(spec) ? redact(spec) : directory.toString();
    }

    private static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
