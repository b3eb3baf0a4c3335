package dev.llamakit.apps.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.RetrievedChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline passage picker, lexical only (no embedder), so that each case is exact. */
class PassageSelectorTest {
    @TempDir
    Path root;

    private List<RetrievedChunk> hits(String... texts) {
        List<RetrievedChunk> hits = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            Chunk c = new Chunk("d" + i + "#0", "d" + i, 0, "Doc " + i, texts[i], 0, texts[i].length(), Map.of());
            hits.add(new RetrievedChunk(c, 1.0 / (i + 1), i + 1, "test", null));
        }
        return hits;
    }

    @Test
    void aTableRowIsScoredWithItsColumnHeaders() {
        String text = String.join("\n",
                "The chunk size sets how many tokens each chunk holds.",
                "",
                "| option | meaning | default |",
                "|---|---|---|",
                "| chunk-tokens | the chunk size in tokens | 256 |");
        PassageSelector.Passage p = new PassageSelector(null, null)
                .select("What is the default chunk size?", hits(text)).orElseThrow();
        assertThat(p.text()).isEqualTo("| chunk-tokens | the chunk size in tokens | 256 |");
    }

    @Test
    void aQuestionAskingHowManyPrefersTheSentenceWithANumber() {
        String text = "The client retries failed calls with an exponential backoff between the retries. "
                + "The client makes 2 retries by default, counting every retry of a call.";
        PassageSelector.Passage p = new PassageSelector(null, null)
                .select("How many retries does the client make?", hits(text)).orElseThrow();
        assertThat(p.text()).contains("2 retries");
    }

    @Test
    void theNearbyLineThatSaysTheDefaultCompletesTheAnswer() throws Exception {
        String markdown = String.join("\n",
                "# API",
                "",
                "#### depthLimit (Number)",
                "",
                "Default: 5",
                "",
                "Maximum nesting depth used by the fallback serializer for nested objects.",
                "",
                "#### edgeLimit (Number)",
                "",
                "Default: 100",
                "",
                "Maximum number of properties per object used by the fallback serializer.");
        Files.writeString(root.resolve("api.md"), markdown);
        String text = markdown.replace("#### ", "").replace("# ", "");
        Chunk c = new Chunk("api#0", "api", 0, "API", text, 0, text.length(), Map.of("path", "api.md"));
        PassageSelector.Passage p = new PassageSelector(null, root)
                .select("What is the default nesting depth of the fallback serializer for nested objects?",
                        List.of(new RetrievedChunk(c, 1, 1, "test", null))).orElseThrow();
        assertThat(p.text()).contains("Maximum nesting depth").contains("Default: 5").doesNotContain("100");
        assertThat(p.line()).isEqualTo(5);
    }

    @Test
    void abstainsWhenNothingAnswers() {
        assertThat(new PassageSelector(null, null).select("How do I deploy on Kubernetes?",
                hits("Chunks are cut at sentence boundaries and each chunk keeps its title."))).isEmpty();
    }
}
