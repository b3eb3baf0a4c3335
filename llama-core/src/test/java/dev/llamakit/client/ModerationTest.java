package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.client.error.NotFoundException;
import dev.llamakit.client.error.UnsupportedEndpointException;
import dev.llamakit.moderation.ModerationRequest;
import dev.llamakit.moderation.ModerationResponse;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Moderation is a native endpoint: refused in the OpenAI dialect, and a missing route says so. */
class ModerationTest {
    static final String KEY = "moderation-test-key";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private LlamaClient client(Dialect dialect, String baseUrl) {
        return LlamaClient.builder().dialect(dialect).baseUrl(baseUrl).apiKey(KEY).build();
    }

    @Test
    void theOpenAiDialectRefusesWithoutSendingARequest() {
        LlamaClient compat = client(Dialect.OPENAI, extension.server().compatBaseUrl());
        assertThatThrownBy(() -> compat.moderate(ModerationRequest.ofText("I will hurt you")))
                .isExactlyInstanceOf(UnsupportedEndpointException.class)
                .hasMessageContaining("the OpenAI-compatible protocol has no moderation endpoint")
                .hasMessageContaining("LlamaGuardModerator")
                .satisfies(e -> {
                    UnsupportedEndpointException u = (UnsupportedEndpointException) e;
                    assertThat(u.endpoint()).isEqualTo("POST /moderations");
                    assertThat(u.serverResponse()).isEmpty();
                });
        assertThat(extension.server().requestCount()).isZero();
    }

    @Test
    void aNativeServerWithoutTheRouteSaysItHasNoModerationEndpoint() {
        // a gateway that proxies /gateway/v1/chat/completions but not moderations: the server's own 404
        LlamaClient client = client(Dialect.LLAMA, extension.server().url() + "/gateway/v1");
        assertThatThrownBy(() -> client.moderate(ModerationRequest.ofText("hello")))
                .isExactlyInstanceOf(UnsupportedEndpointException.class)
                .hasMessageStartingWith("this server has no moderation endpoint: POST /moderations at "
                        + extension.server().url() + "/gateway/v1 answered HTTP 404: ")
                .hasMessageContaining("LlamaGuardModerator")
                .hasCauseExactlyInstanceOf(NotFoundException.class)
                .satisfies(e -> assertThat(((UnsupportedEndpointException) e).serverResponse().orElseThrow().status())
                        .isEqualTo(404));
        assertThat(extension.server().takeRequest().path()).isEqualTo("/gateway/v1/moderations");
        assertThat(extension.server().requestCount()).as("a 404 is not retried").isEqualTo(1);
    }

    @Test
    void aFastApiStyle404AlsoMeansNoEndpointEvenWhenAModelWasNamed() {
        extension.server().enqueue(ScriptedReply.status(404).withBody("{\"detail\":\"Not Found\"}"));
        LlamaClient client = client(Dialect.LLAMA, extension.server().baseUrl());
        assertThatThrownBy(() -> client.moderate(ModerationRequest.ofText("hello").withModel("Llama-Guard")))
                .isExactlyInstanceOf(UnsupportedEndpointException.class)
                .hasMessageContaining("answered HTTP 404: Not Found (request id ");
    }

    @Test
    void aNotFoundNamingTheRequestedModelStaysAModelError() {
        LlamaClient client = client(Dialect.LLAMA, extension.server().baseUrl());
        assertThatThrownBy(() -> client.moderate(ModerationRequest.of(Message.user("hello")).withModel("Guardian-2")))
                .isExactlyInstanceOf(NotFoundException.class)
                .hasMessageContaining("Guardian-2");
    }

    @Test
    void theNativePathIsUnchanged() {
        ModerationResponse verdict = client(Dialect.LLAMA, extension.server().baseUrl())
                .moderate(ModerationRequest.ofText("What a lovely day."));
        assertThat(extension.server().takeRequest().path()).isEqualTo("/v1/moderations");
        assertThat(verdict.model()).isEqualTo("Llama-Guard");
        assertThat(verdict.flagged()).isFalse();
    }
}
