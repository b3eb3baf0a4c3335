package dev.llamakit.apps.cli.repl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypedTextTest {

    @Test
    void escapeCodesAndControlCharactersAreRemoved() {
        assertThat(TypedText.clean("hel\u001b[Dlo\u001b[C \u001bODworld\u001b[1;5C\u0007")).isEqualTo("hello world");
        assertThat(TypedText.clean("a\tb\r\nc\u0000\u007f\u009b2Jd")).isEqualTo("a\tb\nc" + "d");
        assertThat(TypedText.clean("\u001b]0;title\u0007text")).isEqualTo("text");
        assertThat(TypedText.clean("déjà vu 日本")).isEqualTo("déjà vu 日本");
    }

    @Test
    void aTrailingBackslashContinuesUnlessEscaped() {
        assertThat(TypedText.continues("one \\")).isTrue();
        assertThat(TypedText.continues("C:\\\\")).isFalse();
        assertThat(TypedText.joinContinuations("one \\\ntwo\\\nthree")).isEqualTo("one \ntwo\nthree");
        assertThat(TypedText.joinContinuations("pasted\nlines")).isEqualTo("pasted\nlines");
    }

    @Test
    void plainInputJoinsContinuationsAndCleansLines() {
        PlainInput in = new PlainInput(new ByteArrayInputStream("a\u001b[Db\nline \\\nnext\nlast \\\n"
                .getBytes(StandardCharsets.UTF_8)), null, h -> () -> { });
        assertThat(in.readLine("> ")).isEqualTo("ab");
        assertThat(in.readLine("> ")).isEqualTo("line \nnext");
        assertThat(in.readLine("> ")).isEqualTo("last \n");
        assertThat(in.readLine("> ")).isNull();
    }

    @Test
    void theHistoryFileFollowsTheStateFolder() {
        Path home = Path.of("/home/ada");
        assertThat(HistoryFile.location(Map.<String, String>of()::get, home))
                .isEqualTo(Path.of("/home/ada/.local/state/llamakit/history"));
        assertThat(HistoryFile.location(Map.of("XDG_STATE_HOME", "/var/state")::get, home))
                .isEqualTo(Path.of("/var/state/llamakit/history"));
        assertThat(HistoryFile.location(Map.of("XDG_STATE_HOME", "relative")::get, home))
                .as("XDG: a relative path is ignored").isEqualTo(Path.of("/home/ada/.local/state/llamakit/history"));
        assertThat(HistoryFile.location(Map.of("LLAMA_HISTORY_FILE", "/tmp/h", "XDG_STATE_HOME", "/var/state")::get, home))
                .isEqualTo(Path.of("/tmp/h"));
    }
}
