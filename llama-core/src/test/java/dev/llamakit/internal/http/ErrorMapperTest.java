package dev.llamakit.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.client.error.AuthenticationException;
import dev.llamakit.client.error.BadRequestException;
import dev.llamakit.client.error.ConflictException;
import dev.llamakit.client.error.InternalServerException;
import dev.llamakit.client.error.LlamaApiException;
import dev.llamakit.client.error.NotFoundException;
import dev.llamakit.client.error.PermissionDeniedException;
import dev.llamakit.client.error.RateLimitException;
import dev.llamakit.client.error.UnprocessableEntityException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {

    @Test
    void mapsStatusesToTypedExceptions() {
        assertThat(ErrorMapper.toException(400, null, "", null)).isExactlyInstanceOf(BadRequestException.class);
        assertThat(ErrorMapper.toException(401, null, "", null)).isExactlyInstanceOf(AuthenticationException.class);
        assertThat(ErrorMapper.toException(403, null, "", null)).isExactlyInstanceOf(PermissionDeniedException.class);
        assertThat(ErrorMapper.toException(404, null, "", null)).isExactlyInstanceOf(NotFoundException.class);
        assertThat(ErrorMapper.toException(409, null, "", null)).isExactlyInstanceOf(ConflictException.class);
        assertThat(ErrorMapper.toException(422, null, "", null)).isExactlyInstanceOf(UnprocessableEntityException.class);
        assertThat(ErrorMapper.toException(429, null, "", null)).isExactlyInstanceOf(RateLimitException.class);
        assertThat(ErrorMapper.toException(503, null, "", null)).isExactlyInstanceOf(InternalServerException.class);
        assertThat(ErrorMapper.toException(408, null, "", null)).isExactlyInstanceOf(LlamaApiException.class);
    }

    @Test
    void readsTheMessageFromEveryKnownErrorShape() {
        assertThat(ErrorMapper.serverMessage(400, "{\"error\":{\"message\":\"bad field\",\"type\":\"invalid\"}}")).isEqualTo("bad field");
        assertThat(ErrorMapper.serverMessage(400, "{\"error\":\"plain error\"}")).isEqualTo("plain error");
        assertThat(ErrorMapper.serverMessage(429, "{\"title\":\"Too Many Requests\",\"detail\":\"3000 RPM exceeded\",\"status\":429}"))
                .isEqualTo("Too Many Requests: 3000 RPM exceeded");
        assertThat(ErrorMapper.serverMessage(422, "{\"detail\":\"temperature out of range\"}")).isEqualTo("temperature out of range");
        assertThat(ErrorMapper.serverMessage(500, "{\"message\":\"boom\"}")).isEqualTo("boom");
        assertThat(ErrorMapper.serverMessage(502, "Bad Gateway")).isEqualTo("Bad Gateway");
        assertThat(ErrorMapper.serverMessage(500, "{\"unexpected\":true}")).isEqualTo("{\"unexpected\":true}");
    }

    @Test
    void fallsBackToADescriptionOfTheStatus() {
        assertThat(ErrorMapper.serverMessage(401, "")).contains("LLAMA_API_KEY");
        assertThat(ErrorMapper.serverMessage(503, null)).isEqualTo("server error");
        assertThat(ErrorMapper.serverMessage(400, "{\"error\":{}}")).isEqualTo("{\"error\":{}}");
    }

    @Test
    void carriesStatusRequestIdBodyAndRetryAfter() {
        String body = "{\"error\":{\"message\":\"slow down\"}}";
        RateLimitException e = (RateLimitException) ErrorMapper.toException(429, "req_9", body, Duration.ofSeconds(2));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.requestId()).contains("req_9");
        assertThat(e.serverMessage()).isEqualTo("slow down");
        assertThat(e.body()).isEqualTo(body);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(e.getMessage()).isEqualTo("HTTP 429: slow down (request id req_9)");
    }

    @Test
    void truncatesHugeMessages() {
        String huge = "x".repeat(5000);
        assertThat(ErrorMapper.serverMessage(500, huge)).hasSize(503).endsWith("...");
    }

    static final String NGINX_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n"
            + "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n".repeat(6);

    @Test
    void anHtmlErrorPageBecomesItsTitle() {
        assertThat(ErrorMapper.serverMessage(502, NGINX_502)).isEqualTo("502 Bad Gateway");
        LlamaApiException e = ErrorMapper.toException(502, null, NGINX_502, null);
        assertThat(e).isExactlyInstanceOf(InternalServerException.class);
        assertThat(e.getMessage()).isEqualTo("HTTP 502: 502 Bad Gateway");
        assertThat(e.body()).isEqualTo(NGINX_502);
    }

    @Test
    void anHtmlPageWithoutATitleGivesItsFirstVisibleTextShortened() {
        String page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>body { color: red; }</style>"
                + "<script>var x = '<b>no</b>';</script></head>\n<body><h1>Service&nbsp;Unavailable</h1>\n"
                + "<p>The server is temporarily unable to service your request &amp; asks you to retry &#8212; later.</p>"
                + "<p>" + "Lorem ipsum dolor sit amet. ".repeat(40) + "</p></body></html>";
        String message = ErrorMapper.serverMessage(503, page);
        assertThat(message).startsWith("Service Unavailable The server is temporarily unable to service your request & asks "
                + "you to retry \u2014 later. Lorem ipsum");
        assertThat(message).hasSizeLessThanOrEqualTo(200).endsWith("...").doesNotContain("<", "color", "var x");
    }

    @Test
    void anEmptyOrBlankTitledPageFallsBackToTheStatus() {
        assertThat(ErrorMapper.serverMessage(504, "<html><head><title> </title></head><body></body></html>")).isEqualTo("server error");
        assertThat(ErrorMapper.serverMessage(502, "<html><body><h1>Bad &lt;gateway&gt;</h1></body></html>")).isEqualTo("Bad <gateway>");
    }

    @Test
    void aLongTitleIsCutToTwoHundredCharacters() {
        String title = "Upstream failure ".repeat(30);
        String message = ErrorMapper.serverMessage(502, "<html><title>" + title + "</title></html>");
        assertThat(message).hasSizeLessThanOrEqualTo(200).startsWith("Upstream failure Upstream").endsWith("...");
    }

    @Test
    void textThatMerelyMentionsATagStaysPlainText() {
        assertThat(ErrorMapper.serverMessage(400, "field <name> is required")).isEqualTo("field <name> is required");
    }
}
