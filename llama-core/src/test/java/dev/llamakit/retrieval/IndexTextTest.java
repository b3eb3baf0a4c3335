package dev.llamakit.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexTextTest {
    private static Chunk chunk(String title, String text) {
        return new Chunk("d#0", "d", 0, title, text, 0, text.length(), Map.of());
    }

    @Test
    void isTheTitleALineBreakAndTheText() {
        assertThat(IndexText.of(chunk("Title", "Text."))).isEqualTo("Title\nText.");
        assertThat(IndexText.of(chunk(" Padded ", "Text."))).isEqualTo(" Padded \nText.");
        assertThat(IndexText.of(Chunk.whole(Document.builder("d").title("T").text("x").build()))).isEqualTo("T\nx");
    }

    @Test
    void isJustTheTextWithoutATitle() {
        assertThat(IndexText.of(chunk("", "Text."))).isEqualTo("Text.");
        assertThat(IndexText.of(chunk(" \t\n", "Text."))).isEqualTo("Text.");
        assertThat(IndexText.of(Chunk.whole(Document.of("d", "only text")))).isEqualTo("only text");
    }

    /** The vector-reuse key against the JDK's own SHA-256 of the UTF-16BE bytes (the same for valid strings). */
    @Test
    void hashIsTheSha256OfTheUtf16CodeUnits() throws Exception {
        for (String text : new String[] {"", "abc", "caf\u00e9\nna\u00efve", "emoji \uD83D\uDE00", "Title\nText."}) {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_16BE));
            assertThat(IndexText.hash(text)).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(sha));
        }
        assertThat(IndexText.hash("\uD800")).as("an unpaired surrogate still has its own key")
                .isNotEqualTo(IndexText.hash("\uDC00")).isNotEqualTo(IndexText.hash("?"));
    }

    /** Keys stored in existing indexes (Lucene's vector_key, OpenSearch's text_hash) must keep matching. */
    @Test
    void hashIsStable() {
        assertThat(IndexText.hash("")).isEqualTo("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
        assertThat(IndexText.hash("Title\nText.")).hasSize(43);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> IndexText.of(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> IndexText.hash(null)).isInstanceOf(NullPointerException.class);
    }
}
