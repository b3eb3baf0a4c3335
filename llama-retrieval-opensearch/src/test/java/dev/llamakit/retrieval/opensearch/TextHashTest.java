package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The vector-reuse key against the JDK's own SHA-256 of the UTF-16BE bytes (the same for valid strings). */
class TextHashTest {
    @Test
    void isTheSha256OfTheUtf16CodeUnits() throws Exception {
        for (String text : new String[] {"", "abc", "caf\u00e9\nna\u00efve", "emoji \uD83D\uDE00", "Title\nText."}) {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_16BE));
            assertThat(TextHash.of(text)).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(sha));
        }
        assertThat(TextHash.of("\uD800")).as("an unpaired surrogate still has its own key")
                .isNotEqualTo(TextHash.of("\uDC00")).isNotEqualTo(TextHash.of("?"));
    }
}
