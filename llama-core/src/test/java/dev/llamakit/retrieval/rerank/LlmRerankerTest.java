package dev.llamakit.retrieval.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.client.ChatModel;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.client.RequestOptions;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LlmRerankerTest {
    static final String KEY = "rerank-test-key";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private ChatModel model() {
        return LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).maxRetries(0).build();
    }

    private Reranker reranker(String... options) {
        ProviderOptions.Builder b = ProviderOptions.builder().put("model", "Llama-3.3-8B-Instruct")
                .service(ChatModel.class, model());
        for (int i = 0; i < options.length; i += 2) {
            b.put(options[i], options[i + 1]);
        }
        return Rerankers.create("llm", b.build());
    }

    static RetrievedChunk hit(String id, String title, String text, int rank) {
        return new RetrievedChunk(new Chunk(id + "#0", id, 0, title, text, 0, text.length(), Map.of()), 1.0 / rank,
                rank, "bm25", null);
    }

    final List<RetrievedChunk> hits = List.of(hit("a", "Paris", "Paris is the capital of France.", 1),
            hit("b", "Tower", "The Eiffel Tower is 330 metres tall.", 2),
            hit("c", "Cafes", "Cafes open early.", 3));

    static List<String> ids(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().documentId()).toList();
    }

    @Test
    void theModelsOrderWinsAndUnlistedPassagesFollow() throws Exception {
        extension.server().enqueue(ScriptedReply.text("2, 1"));
        List<RetrievedChunk> out = reranker().rerank("How tall is the Eiffel Tower?", hits, 3);
        assertThat(ids(out)).containsExactly("b", "a", "c");
        assertThat(out).extracting(RetrievedChunk::rank).containsExactly(1, 2, 3);
        String prompt = extension.server().takeRequest().json().get("messages").get(1).get("content").toString();
        assertThat(prompt).contains("Question: How tall is the Eiffel Tower?")
                .contains("[1] Paris Paris is the capital of France.").contains("[3] Cafes");
    }

    @Test
    void unlistedPassagesCanBeDroppedAndBadNumbersAreIgnored() {
        extension.server().enqueue(ScriptedReply.text("Passages 3, 3, 17 and 0 then 2."));
        assertThat(ids(reranker("drop-unlisted", "true").rerank("q", hits, 5))).containsExactly("c", "b");
    }

    @Test
    void aFailedCallOrANumberlessReplyKeepsTheRetrievalOrder() {
        extension.server().enqueue(ScriptedReply.status(500));
        assertThat(ids(reranker().rerank("q", hits, 2))).containsExactly("a", "b");
        extension.server().enqueue(ScriptedReply.text("I cannot tell."));
        assertThat(ids(reranker().rerank("q", hits, 3))).containsExactly("a", "b", "c");
    }

    @Test
    void configurationErrorsAreClear() {
        assertThatThrownBy(() -> Rerankers.create("llm", Map.of("model", "m")))
                .isInstanceOf(RuntimeException.class).hasMessageContaining("ChatModel");
        assertThatThrownBy(() -> Rerankers.create("llm", ProviderOptions.builder()
                .service(ChatModel.class, model()).build())).hasMessageContaining("model=");
        assertThat(Rerankers.available()).contains("mmr", "llm");
    }

    @Test
    void onePassageNeedsNoCall() {
        assertThat(ids(reranker().rerank("q", hits.subList(0, 1), 3))).containsExactly("a");
        assertThat(extension.server().requestCount()).isZero();
    }
}
