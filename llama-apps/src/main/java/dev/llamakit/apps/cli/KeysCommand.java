package dev.llamakit.apps.cli;

import dev.llamakit.apps.cli.config.CliConfig;
import dev.llamakit.apps.cli.config.KeyStore;
import dev.llamakit.apps.cli.config.Profile;
import dev.llamakit.apps.cli.config.Setting;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code llama keys}: API keys stored next to the configuration (keys.toml, mode 600), never typed on the command line. */
@Command(name = "keys", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = {"API keys kept in keys.toml next to the configuration (mode 600). A profile uses the key named like "
                + "it, or the one its key setting names (keys:NAME)."},
        subcommands = {KeysCommand.Set.class, KeysCommand.ListCommand.class, KeysCommand.PathCommand.class,
                KeysCommand.Remove.class})
final class KeysCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    @Command(name = "set", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
            description = {"Stores a key: prompts without echo on a terminal, else reads one line from stdin.",
                    "  pass show vllm | llama keys set vllm"})
    static final class Set extends ConfigCommand.ConfigAction {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The key's name (default: the profile in use).")
        String name;

        @Override
        int run() throws IOException {
            CliConfig config = load();
            String profile = profileInUse(config).name();
            String keyName = name != null ? name : profile;
            KeyStore.checkName(keyName);
            KeyStore keys = KeyStore.load(folder().keysFile());
            String key = readKey(keyName);
            checkVisibleAscii(key);
            keys.with(keyName, key).save();
            ctx().err().println("llama keys: stored '" + keyName + "' in " + keys.file());
            Optional<Profile> p = config.profile(profile);
            Optional<String> source = p.flatMap(x -> x.get(Setting.KEY));
            boolean used = source.map(s -> s.equals("keys:" + keyName)).orElse(keyName.equals(profile));
            if (!used) {
                ctx().err().println("llama keys: to use it, run 'llama config set key keys:" + keyName
                        + ConfigCommand.ConfigAction.profileFlag(profile) + "'");
            }
            return ExitCodes.OK;
        }

        private String readKey(String keyName) throws IOException {
            Console console = ctx().terminal() ? System.console() : null;
            String key;
            if (console != null) {
                char[] chars = console.readPassword("API key for %s (not shown): ", keyName);
                key = chars == null ? null : new String(chars);
                if (chars != null) {
                    java.util.Arrays.fill(chars, ' ');
                }
            } else {
                BufferedReader in = new BufferedReader(new InputStreamReader(ctx().in(), StandardCharsets.UTF_8));
                key = in.readLine();
            }
            if (key == null || key.strip().isEmpty()) {
                throw CliException.input("no key given: type it at the prompt, or pipe it in: "
                        + "'llama keys set " + keyName + " < FILE'");
            }
            return key.strip();
        }

        /** Refuses what cannot go in an HTTP header, naming the character and position, never the key. */
        private static void checkVisibleAscii(String key) {
            for (int i = 0; i < key.length(); ) {
                int cp = key.codePointAt(i);
                if (cp < 0x21 || cp > 0x7e) {
                    String n = Character.getName(cp);
                    throw CliException.input("the key cannot be sent in an HTTP header: it contains "
                            + String.format("U+%04X", cp) + (n == null ? "" : " " + n) + " at position " + (i + 1)
                            + " (not stored)");
                }
                i += Character.charCount(cp);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
            description = {"Lists the stored keys' names (never the keys)."})
    static final class ListCommand extends ConfigCommand.ConfigAction {
        @Override
        int run() {
            KeyStore keys = KeyStore.load(folder().keysFile());
            if (common.json) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("keysFile", keys.file().toString());
                json.put("names", keys.names());
                printJson(json);
            } else {
                keys.names().forEach(ctx().out()::println);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
            description = "Prints the keys file's path.")
    static final class PathCommand extends ConfigCommand.ConfigAction {
        @Override
        int run() {
            ctx().out().println(folder().keysFile());
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
            description = {"Removes a stored key."})
    static final class Remove extends ConfigCommand.ConfigAction {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        int run() {
            KeyStore keys = KeyStore.load(folder().keysFile());
            if (keys.get(name).isEmpty()) {
                throw CliException.input("no key named '" + name + "' in " + keys.file()
                        + dev.llamakit.apps.cli.config.Suggestions.didYouMean(name, keys.names()));
            }
            keys.without(name).save();
            return ExitCodes.OK;
        }
    }
}
