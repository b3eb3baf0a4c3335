package dev.llamakit.apps.cli;

import dev.llamakit.apps.cli.config.CliConfig;
import dev.llamakit.apps.cli.config.ConfigFolder;
import dev.llamakit.apps.cli.config.KeySource;
import dev.llamakit.apps.cli.config.KeyStore;
import dev.llamakit.apps.cli.config.Profile;
import dev.llamakit.apps.cli.config.Setting;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code llama config}: profiles in the configuration file ({@code $XDG_CONFIG_HOME/llamakit/config.toml}). */
@Command(name = "config", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = {"Profiles in the configuration file ($XDG_CONFIG_HOME/llamakit/config.toml; ~/.config/llamakit on "
                + "Linux and macOS, %APPDATA%\\llamakit on Windows).",
                "Settings: base-url, dialect (llama|openai), model, key (keys:NAME, env:VAR or file:PATH; never the key "
                + "itself), and default-profile."},
        subcommands = {ConfigCommand.Set.class, ConfigCommand.Get.class, ConfigCommand.Unset.class,
                ConfigCommand.ListCommand.class, ConfigCommand.PathCommand.class})
final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** A {@code config} subcommand: the folder, the file and the profile in use. */
    abstract static class ConfigAction extends AppCommand {
        ConfigFolder folder() {
            return ConfigFolder.locate(ctx().env(), ctx().home());
        }

        CliConfig load() {
            return CliConfig.load(folder().configFile());
        }

        ProfileInUse profileInUse(CliConfig config) {
            return ProfileInUse.of(common, ctx(), config);
        }

        /** {@code " --profile P"} when P is not the implicit default. */
        static String profileFlag(String profile) {
            return profile.equals(CliConfig.DEFAULT) ? "" : " --profile " + profile;
        }
    }

    /** An action on one setting, named by its first parameter. */
    abstract static class SettingAction extends ConfigAction {
        @Parameters(index = "0", paramLabel = "KEY", description = "base-url, dialect, model, key or default-profile")
        String key;

        Setting setting() {
            return Setting.of(key);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
            description = {"Sets a setting in the profile in use (--profile, LLAMA_PROFILE, default-profile, else 'default'); "
                    + "creates the profile. The file is written atomically, mode 600."})
    static final class Set extends SettingAction {

        @Parameters(index = "1", paramLabel = "VALUE", description = "The value (for key: keys:NAME, env:VAR or file:PATH).")
        String value;

        @Override
        int run() {
            Setting setting = setting();
            CliConfig config = load();
            String profile = profileInUse(config).name();
            CliConfig updated = config.with(profile, setting, value);
            updated.save();
            String v = setting.perProfile() ? updated.profile(profile).flatMap(p -> p.get(setting)).orElseThrow()
                    : updated.defaultProfile();
            ctx().err().println("llama config: " + (setting.perProfile() ? "profile " + profile + ": " : "")
                    + setting.key() + " = " + v + " (" + updated.file() + ")");
            if (setting == Setting.KEY && KeySource.parse(v) instanceof KeySource.Stored stored
                    && KeyStore.load(folder().keysFile()).get(stored.name()).isEmpty()) {
                ctx().err().println("llama config: no key named '" + stored.name() + "' is stored yet: run 'llama keys set "
                        + stored.name() + "'");
            }
            if (setting == Setting.DEFAULT_PROFILE && updated.profile(v).isEmpty()) {
                ctx().err().println("llama config: there is no profile '" + v + "' yet: create it with 'llama config set "
                        + "base-url URL --profile " + v + "'");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
            description = {"Prints a setting of the profile in use (exit code 2 when it is not set)."})
    static final class Get extends SettingAction {

        @Override
        int run() {
            Setting setting = setting();
            CliConfig config = load();
            String value;
            String where;
            if (setting.perProfile()) {
                ProfileInUse inUse = profileInUse(config);
                Profile profile = inUse.required() ? config.require(inUse.name())
                        : config.profile(inUse.name()).orElse(Profile.empty(inUse.name()));
                value = profile.get(setting).orElse(null);
                where = " in profile " + inUse.name();
            } else {
                value = config.defaultProfile();
                where = "";
            }
            if (value == null) {
                throw CliException.input(setting.key() + " is not set" + where + " (" + config.file() + ")");
            }
            if (common.json) {
                printJson(Map.of("key", setting.key(), "value", value));
            } else {
                ctx().out().println(value);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
            description = {"Removes a setting from the profile in use."})
    static final class Unset extends SettingAction {

        @Override
        int run() {
            Setting setting = setting();
            CliConfig config = load();
            String profile = profileInUse(config).name();
            if (setting.perProfile() && config.profile(profile).isEmpty()) {
                config.require(profile);
            }
            config.without(profile, setting).save();
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
            description = {"Shows the files, the profile in use and every profile's settings. Never prints a key: "
                    + "a profile's key is where it comes from (keys:NAME, env:VAR, file:PATH)."})
    static final class ListCommand extends ConfigAction {
        @Override
        int run() {
            CliConfig config = load();
            KeyStore keys = KeyStore.load(folder().keysFile());
            ProfileInUse inUse = profileInUse(config);
            if (common.json) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("configFile", config.file().toString());
                json.put("keysFile", keys.file().toString());
                json.put("storedKeys", keys.names());
                json.put("defaultProfile", config.defaultProfile());
                json.put("profile", inUse.name());
                json.put("profileFrom", inUse.from());
                Map<String, Object> profiles = new LinkedHashMap<>();
                for (Profile p : config.profiles().values()) {
                    Map<String, String> values = new LinkedHashMap<>();
                    p.values().forEach((s, v) -> values.put(s.key(), v));
                    profiles.put(p.name(), values);
                }
                json.put("profiles", profiles);
                printJson(json);
                return ExitCodes.OK;
            }
            var out = ctx().out();
            out.println("config file: " + config.file() + (java.nio.file.Files.exists(config.file()) ? "" : " (not created yet)"));
            out.println("keys file:   " + keys.file() + " (" + (keys.names().isEmpty() ? "no keys"
                    : "keys: " + String.join(", ", keys.names())) + ")");
            out.println("profile in use: " + inUse.name() + " (" + inUse.from() + ")");
            if (config.defaultProfile() != null) {
                out.println();
                out.println("default-profile = " + config.defaultProfile());
            }
            for (Profile p : config.profiles().values()) {
                out.println();
                out.println("[profiles." + p.name() + "]" + (p.name().equals(inUse.name()) ? "  # in use" : ""));
                p.values().forEach((s, v) -> out.println(s.key() + " = " + v));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
            description = "Prints the configuration file's path (honours XDG_CONFIG_HOME).")
    static final class PathCommand extends ConfigAction {
        @Override
        int run() {
            ctx().out().println(folder().configFile());
            return ExitCodes.OK;
        }
    }
}
