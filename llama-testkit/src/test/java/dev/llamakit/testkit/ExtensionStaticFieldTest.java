package dev.llamakit.testkit;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code @RegisterExtension static}: one configured server for the class, reset before each test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtensionStaticFieldTest {

    @RegisterExtension
    static LlamaTestServerExtension extension =
            new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(Http.KEY));

    private static int firstPort;

    @Test
    @Order(1)
    void serverRunsWithTheConfiguredKey(LlamaTestServer injected) {
        LlamaTestServer server = extension.server();
        firstPort = server.port();
        HttpResponse<String> models = new Http(server).get("/v1/models");
        server.enqueue(ScriptedReply.text("left over"));

        assertThat(injected).isSameAs(server);
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void sameServerIsResetBetweenTests() {
        LlamaTestServer server = extension.server();

        HttpResponse<String> chat = new Http(server).postJson("/v1/chat/completions", Http.chat("hi"));

        assertThat(server.port()).isEqualTo(firstPort);
        assertThat(Http.json(chat).path("completion_message").path("content").path("text").asText()).isEqualTo("Echo: hi");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Nested
    class Inner {
        @Test
        void nestedTestsShareTheOuterServer(LlamaTestServer injected) {
            assertThat(injected).isSameAs(extension.server());
            assertThat(injected.port()).isEqualTo(firstPort);
        }
    }
}
