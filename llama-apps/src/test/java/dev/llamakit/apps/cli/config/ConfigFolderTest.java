package dev.llamakit.apps.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigFolderTest {
    static final Path HOME = Path.of("/home/ada");

    @Test
    void xdgConfigHomeWinsOnEveryPlatformWhenAbsolute() {
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", "/tmp/cfg", "APPDATA", "C:\\Users\\ada\\AppData\\Roaming");
        assertThat(ConfigFolder.locate(env::get, HOME, false).configFile()).isEqualTo(Path.of("/tmp/cfg/llamakit/config.toml"));
        assertThat(ConfigFolder.locate(env::get, HOME, true).dir()).isEqualTo(Path.of("/tmp/cfg/llamakit"));
        Map<String, String> relative = Map.of("XDG_CONFIG_HOME", "cfg");
        assertThat(ConfigFolder.locate(relative::get, HOME, false).dir()).isEqualTo(HOME.resolve(".config/llamakit"));
    }

    @Test
    void otherwiseAppDataOnWindowsAndDotConfigElsewhere() {
        Map<String, String> env = Map.of("APPDATA", "/appdata");
        assertThat(ConfigFolder.locate(env::get, HOME, true).keysFile()).isEqualTo(Path.of("/appdata/llamakit/keys.toml"));
        assertThat(ConfigFolder.locate(name -> null, HOME, true).dir()).isEqualTo(HOME.resolve("AppData/Roaming/llamakit"));
        assertThat(ConfigFolder.locate(name -> null, HOME, false).dir()).isEqualTo(HOME.resolve(".config/llamakit"));
    }

    @Test
    void stringsRoundTripThroughTheTomlSubset() {
        String value = "a \"quoted\" \\ back\tslash \u0001";
        List<TomlSubset.Entry> entries = TomlSubset.parse(Path.of("t.toml"),
                "# c\n[profiles.\"my profile\"] # trailing\nkey = " + TomlSubset.quote(value) + "\nlit = 'C:\\path'\r\n");
        assertThat(entries).extracting(TomlSubset.Entry::key).containsExactly(null, "key", "lit");
        assertThat(entries.get(1).table()).containsExactly("profiles", "my profile");
        assertThat(entries.get(1).value()).isEqualTo(value);
        assertThat(entries.get(2).value()).isEqualTo("C:\\path");
        assertThatThrownBy(() -> TomlSubset.parse(Path.of("t.toml"), "\n\nkey = \"x\" y\n"))
                .hasMessage("t.toml:3: unexpected text after the value: put a comment after '#'");
    }

    @Test
    void didYouMeanFindsCloseNamesOnly() {
        assertThat(Suggestions.closest("base_url", Setting.keys())).contains("base-url");
        assertThat(Suggestions.closest("modle", Setting.keys())).contains("model");
        assertThat(Suggestions.closest("temperature", Setting.keys())).isEmpty();
    }
}
