package dev.llamakit.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code @RegisterExtension} on an instance field: a fresh configured server per test. */
class ExtensionInstanceFieldTest {

    @RegisterExtension
    LlamaTestServerExtension extension =
            new LlamaTestServerExtension(LlamaTestServer.builder().requireApiKey(false));

    @Test
    void serverIsAvailableThroughTheAccessor() {
        LlamaTestServer server = extension.server();

        assertThat(new Http(server).send(java.net.http.HttpRequest.newBuilder(server.url().resolve("/v1/models"))
                .GET().build()).statusCode()).isEqualTo(200);
    }

    @Test
    void accessorOutsideALifeCycleFails() {
        LlamaTestServerExtension idle = new LlamaTestServerExtension();

        assertThatThrownBy(idle::server).isInstanceOf(IllegalStateException.class).hasMessageContaining("No LlamaTestServer");
    }
}
