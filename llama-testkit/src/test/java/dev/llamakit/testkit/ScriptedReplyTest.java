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
    void withEventDelayAppliesToStreamsAndChatRepliesOnly() {
        Duration delay = Duration.ofMillis(7);
        assertThat(ScriptedReply.sse(List.of("data: 1\n\n")).withEventDelay(delay).eventDelay()).isEqualTo(delay);
        assertThat(ScriptedReply.sseThenDrop(List.of()).withEventDelay(delay).eventDelay()).isEqualTo(delay);
        assertThat(ScriptedReply.sseRepeating("data: 1\n\n", 2, "").withEventDelay(delay).eventDelay()).isEqualTo(delay);
        assertThat(ScriptedReply.sseBytes(List.of(new byte[] {1})).withEventDelay(delay).eventDelay()).isEqualTo(delay);
        assertThat(ScriptedReply.text("x").withEventDelay(delay).eventDelay()).isEqualTo(delay);
        assertThat(ScriptedReply.toolCalls(ToolCallSpec.of("id", "f", "{}")).withEventDelay(delay).eventDelay())
                .isEqualTo(delay);
        ScriptedReply base = ScriptedReply.defaultReply();
        ScriptedReply slow = base.withEventDelay(delay);
        assertThat(base.eventDelay()).isZero();
        assertThat(slow.toString()).contains("eventDelay=PT0.007S");

        assertThatThrownBy(() -> ScriptedReply.status(200).withEventDelay(delay))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("withEventDelay", "status(200)");
        assertThatThrownBy(() -> ScriptedReply.rawJson("{}").withEventDelay(delay)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ScriptedReply.moderation().withEventDelay(delay)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ScriptedReply.dropMidBody().withEventDelay(delay)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ScriptedReply.dropConnection().withEventDelay(delay)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ScriptedReply.malformedJson().withEventDelay(delay)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ScriptedReply.redirect(307, "/v1").withEventDelay(delay)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ScriptedReply.text("x").withEventDelay(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ScriptedReply.text("x").withEventDelay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamFactoriesCheckTheirArguments() {
        assertThatThrownBy(() -> ScriptedReply.sseRepeating(null, 1, "")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ScriptedReply.sseRepeating("e", 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ScriptedReply.sseRepeating("", 1, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScriptedReply.sseRepeating("e", -1, "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ScriptedReply.sseRepeating("e", 10_000, "t").toString()).contains("sseRepeating(..., 10000, ...)");
        assertThatThrownBy(() -> ScriptedReply.sseBytes(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ScriptedReply.sseBytes(java.util.Arrays.asList(new byte[0], null)))
                .isInstanceOf(NullPointerException.class);

        byte[] chunk = {1, 2, 3};
        ScriptedReply bytes = ScriptedReply.sseBytes(List.of(chunk));
        chunk[0] = 9;
        assertThat(bytes.byteEvents().get(0)).containsExactly(1, 2, 3);
        assertThat(bytes.toString()).contains("sseBytes(...)", "chunks=1");
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
