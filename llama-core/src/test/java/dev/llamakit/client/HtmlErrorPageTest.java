package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.client.error.InternalServerException;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A proxy's HTML error page reaches the caller as a short message, with the whole page kept as the body. */
class HtmlErrorPageTest {
    static final String KEY = "html-error-key";
    static final String NGINX_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    @Test
    void aBadGatewayPageBecomesItsTitle() {
        extension.server().enqueue(ScriptedReply.status(502).withBody(NGINX_502).withHeader("content-type", "text/html"));
        LlamaClient client = LlamaClient.builder().dialect(Dialect.OPENAI).baseUrl(extension.server().compatBaseUrl())
                .apiKey(KEY).maxRetries(0).build();
        assertThatThrownBy(() -> client.chat(ChatRequest.builder().model("Llama-3.3-8B-Instruct")
                .addMessage(Message.user("hi")).build()))
                .isExactlyInstanceOf(InternalServerException.class)
                .hasMessageStartingWith("HTTP 502: 502 Bad Gateway")
                .satisfies(e -> {
                    InternalServerException ise = (InternalServerException) e;
                    assertThat(ise.serverMessage()).isEqualTo("502 Bad Gateway");
                    assertThat(ise.body()).isEqualTo(NGINX_502);
                    assertThat(ise.getMessage()).doesNotContain("<").hasSizeLessThan(120);
                });
    }
}
