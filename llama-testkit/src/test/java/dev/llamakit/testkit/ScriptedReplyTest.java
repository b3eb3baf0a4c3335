package dev.llamakit.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ScriptedReply}, {@link ToolCallSpec} and builder argument checks (no HTTP). */
class ScriptedReplyTest {

    @Test
    void withMethodsReturnCopies() {
        ScriptedReply base = ScriptedReply.text("hi");
        ScriptedReply changed = base.withStopReason("length").withHeader("a", "b").withDelay(Duration.ofMillis(5));

        assertThat(base.stopReason()).isEqualTo("stop");
        assertThat(base.headers()).isEmpty();
        assertThat(base.delay()).isZero();
        assertThat(changed.stopReason()).isEqualTo("length");
        assertThat(changed.headers()).hasSize(1);
        assertThat(changed.delay()).isEqualTo(Duration.ofMillis(5));
        assertThat(changed.toString()).contains("text(...)", "length", "PT0.005S");
    }

    @Test
    void modifiersRejectKindsTheyDoNotApplyTo() {
        assertThatThrownBy(() -> ScriptedReply.status(500).withStopReason("stop"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("status(500)");
        assertThatThrownBy(() -> ScriptedReply.text("x").withBody("{}")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ScriptedReply.dropConnection().withHeader("a", "b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ScriptedReply.malformedJson().withUsage(1, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void factoriesAreNullHostileAndCheckRanges() {
        assertThatThrownBy(() -> ScriptedReply.text(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("text");
        assertThatThrownBy(ScriptedReply::toolCalls).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScriptedReply.status(99)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScriptedReply.redirect(200, "/v1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScriptedReply.sse(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ScriptedReply.sse(java.util.Arrays.asList("a", null))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ScriptedReply.text("x").withDelay(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ToolCallSpec.of("", "f", "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ToolCallSpec.of("id", "f", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void builderIsNullHostile() {
        assertThatThrownBy(() -> LlamaTestServer.builder().apiKey(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> LlamaTestServer.builder().apiKey(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LlamaTestServer.builder().models(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LlamaTestServer.builder().rateLimits(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LlamaTestServer.builder().errorShape(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new LlamaTestServerExtension(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void streamChunksConcatenateBackToTheInput() {
        assertThat(StreamChunks.words("  Echo: a  b ")).containsExactly("  Echo: ", "a  ", "b ");
        assertThat(String.join("", StreamChunks.words("x\ny z"))).isEqualTo("x\ny z");
        assertThat(StreamChunks.words("")).isEmpty();
        assertThat(String.join("", StreamChunks.argumentPieces("{\"emoji\":\"😀😀😀😀😀\"}"))).isEqualTo("{\"emoji\":\"😀😀😀😀😀\"}");
        assertThat(StreamChunks.argumentPieces("{\"emoji\":\"😀😀😀😀😀\"}"))
                .allSatisfy(piece -> assertThat(Character.isLowSurrogate(piece.charAt(0))).isFalse());
    }

    @Test
    void tokenRules() {
        assertThat(Tokens.words("  a b\tc\n")).isEqualTo(3);
        assertThat(Tokens.words("   ")).isZero();
        assertThat(Tokens.completion("", List.of())).isEqualTo(1);
        assertThat(DefaultReply.of("", null).text()).isEqualTo("Echo:");
        assertThat(DefaultReply.firstWords("Echo:  one   two", 2)).isEqualTo("Echo:  one");
    }
}
