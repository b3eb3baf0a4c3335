package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The keyword retriever against CPython running the seed's matcher: {@code keyword/seed-cases.json} was written by
 * {@code keyword/make_seed_cases.py} (the seed's code, verbatim but returning the whole ranking) over random
 * documents and questions mixing case, punctuation, accents, Greek final sigma, dotted I, CJK, repeated keywords and
 * every kind of Unicode whitespace.
 */
class KeywordRetrieverSeedParityTest {

    @Test
    void ranksExactlyAsThePythonSeed() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/keyword/seed-cases.json")) {
            root = new ObjectMapper().readTree(in);
        }
        int queries = 0;
        int hits = 0;
        for (JsonNode c : root.get("cases")) {
            try (KeywordRetriever retriever = KeywordRetriever.create()) {
                List<Document> docs = new ArrayList<>();
                for (int i = 0; i < c.get("texts").size(); i++) {
                    docs.add(Document.builder("d" + i).title(c.get("titles").get(i).asText())
                            .text(c.get("texts").get(i).asText()).build());
                }
                retriever.upsert(docs);
                for (JsonNode q : c.get("queries")) {
                    String question = q.get("question").asText();
                    List<String> keywords = new ArrayList<>();
                    q.get("keywords").forEach(k -> keywords.add(k.asText()));
                    assertThat(KeywordRetriever.keywords(question)).as(question).isEqualTo(keywords);

                    List<String> expected = new ArrayList<>();
                    q.get("expected").forEach(e -> expected.add("d" + e.get(0).asInt() + "=" + e.get(1).asInt()));
                    List<RetrievedChunk> got = retriever.retrieve(RetrievalQuery.of(question, 10_000));
                    assertThat(got).extracting(h -> h.chunk().documentId() + "=" + (int) h.score())
                            .as("question %s", question).isEqualTo(expected);
                    // the seed's own cut: the top 2
                    assertThat(retriever.retrieve(question, 2)).extracting(h -> h.chunk().documentId() + "=" + (int) h.score())
                            .isEqualTo(expected.subList(0, Math.min(2, expected.size())));
                    queries++;
                    hits += expected.size();
                }
            }
        }
        assertThat(queries).isGreaterThan(300);
        assertThat(hits).isGreaterThan(1000);
    }
}
