package dev.llamakit.apps.rag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.documents.FolderLoader;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.rerank.Reranker;
import dev.llamakit.retrieval.rerank.Rerankers;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RagPipelineTest {
    static final String KEY = "apps-key-3";
    static final String MODEL = "Llama-3.3-8B-Instruct";
    static final List<Document> SEED_DOCS = List.of(
            Document.builder("paris").title("Paris").text("Paris is the capital and most populous city of France. It has an "
                    + "estimated population of 2,175,601 residents as of 2018, and is one of Europe's major centers of finance, "
                    + "diplomacy, commerce, fashion, and arts.").build(),
            Document.builder("eiffel").title("Eiffel Tower").text("The Eiffel Tower is a wrought-iron lattice tower on the "
                    + "Champ de Mars in Paris, France. It is named after the engineer Gustave Eiffel, whose company designed and "
                    + "built the tower from 1887 to 1889.").build(),
            Document.builder("louvre").title("Louvre").text("The Louvre Museum is the world's largest art museum and a historic "
                    + "monument in Paris, France. A central landmark of the city, it is located on the Right Bank of the Seine.").build(),
            Document.builder("lyon").title("Lyon").text("Lyon is the third-largest city of France. It is located at the "
                    + "confluence of the rivers Rhône and Saône, about 470 km south of Paris.").build());

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));
    final List<Retriever> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(Retriever::close);
    }

    private Retriever seedIndex() {
        Retriever r = Retrievers.create("bm25", Map.of());
        opened.add(r);
        r.upsert(SEED_DOCS);
        return r;
    }

    private LlamaClient client() {
        return LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).build();
    }

    @Test
    void onlineSendsNumberedSourcesAndRenumbersCitations() {
        Retriever retriever = seedIndex();
        // keep a fixed order of the four sources: paris, eiffel, louvre, lyon
        Reranker byId = (q, hits, topK) -> hits.stream()
                .sorted(java.util.Comparator.comparingInt(h -> List.of("paris", "eiffel", "louvre", "lyon").indexOf(h.chunk().documentId())))
                .limit(topK).toList();
        extension.server().enqueue(ScriptedReply.text("Paris [3] is home to the Louvre, and the tower [1][2] was named "
                + "after Gustave Eiffel [2, 7]. See also [9]."));
        RagAnswer a = RagPipeline.builder(retriever).model(client(), MODEL).reranker(byId).build()
                .ask("Which monuments are in Paris, France?");
        assertThat(a.offline()).isFalse();
        assertThat(a.answer()).isEqualTo("Paris [1] is home to the Louvre, and the tower [2][3] was named after Gustave "
                + "Eiffel [3]. See also.");
        assertThat(a.cited()).extracting(Source::number, Source::documentId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "louvre"), org.assertj.core.groups.Tuple.tuple(2, "paris"),
                        org.assertj.core.groups.Tuple.tuple(3, "eiffel"));
        assertThat(a.uncited()).extracting(Source::number, Source::documentId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(4, "lyon"));
        assertThat(a.invalidMarkers()).containsExactly(7, 9);
        Source louvre = a.cited().get(0);
        assertThat(louvre.title()).isEqualTo("Louvre");
        assertThat(louvre.start()).isZero();
        assertThat(louvre.end()).isEqualTo(SEED_DOCS.get(2).text().length());
        assertThat(louvre.snippet()).isNotBlank();

        JsonNode body = extension.server().takeRequest().json();
        assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo(RagPipeline.SYSTEM_PROMPT);
        assertThat(body.get("messages").get(1).get("content").asText()).isEqualTo("Sources:\n"
                + "[1] (Paris) " + SEED_DOCS.get(0).text() + "\n\n"
                + "[2] (Eiffel Tower) " + SEED_DOCS.get(1).text() + "\n\n"
                + "[3] (Louvre) " + SEED_DOCS.get(2).text() + "\n\n"
                + "[4] (Lyon) " + SEED_DOCS.get(3).text() + "\n\n"
                + "Question: Which monuments are in Paris, France?");
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(200);
    }

    @Test
    void anLlmRerankerChoosesTopKOfTheCandidates() {
        Retriever retriever = seedIndex();
        LlamaClient client = client();
        Reranker llm = Rerankers.create("llm", ProviderOptions.builder().put("model", MODEL)
                .service(dev.llamakit.client.ChatModel.class, client).build());
        // the reranker's call comes first, then the answer
        extension.server().enqueue(ScriptedReply.text("4, 1"));
        extension.server().enqueue(ScriptedReply.text("It is in Paris [1]."));
        RagAnswer a = RagPipeline.builder(retriever).model(client, MODEL).reranker(llm).candidates(4).topK(2).build()
                .ask("Which cities of France are mentioned?");
        String rerankPrompt = extension.server().takeRequest().json().get("messages").get(1).get("content").asText();
        assertThat(rerankPrompt).contains("[4] ").doesNotContain("[5] ");
        String answerPrompt = extension.server().takeRequest().json().get("messages").get(1).get("content").asText();
        assertThat(answerPrompt).contains("[1] (").contains("[2] (").doesNotContain("[3] (");
        assertThat(a.cited().size() + a.uncited().size()).isEqualTo(2);
    }

    @Test
    void candidatesBelowTopKAreRejected() {
        Retriever retriever = seedIndex();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RagPipeline.builder(retriever).topK(5).candidates(3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidates (3)");
    }

    @Test
    void markersInsideAQuotedSentenceAreNotReadAsCitations() {
        Retriever r = Retrievers.create("bm25", Map.of());
        opened.add(r);
        r.upsert(List.of(Document.builder("transcript").title("Transcript").text("An earlier answer said: the tower "
                + "was completed in 1889 for the World's Fair in Paris [2] [1].").build()));
        RagAnswer a = RagPipeline.builder(r).build().ask("When was the tower completed for the World's Fair?");
        assertThat(a.answer()).endsWith("Paris. [1]").doesNotContain("[2]");
        assertThat(a.invalidMarkers()).isEmpty();
        assertThat(a.cited()).hasSize(1);
    }

    @Test
    void topKAndNothingFound() {
        Retriever retriever = seedIndex();
        RagPipeline rag = RagPipeline.builder(retriever).model(client(), MODEL).topK(1).build();
        RagAnswer a = rag.ask("What is the Eiffel Tower named after?");
        assertThat(a.cited().size() + a.uncited().size()).isEqualTo(1);
        assertThat(extension.server().takeRequest().json().get("messages").get(1).get("content").asText())
                .startsWith("Sources:\n[1] (Eiffel Tower) ").doesNotContain("[2]");
        RagAnswer none = rag.ask("xylophone quartet");
        assertThat(none.answer()).isEqualTo(RagPipeline.NO_SOURCES);
        assertThat(none.cited()).isEmpty();
        assertThat(extension.server().requests()).hasSize(1);
    }

    @Test
    void citationsParsing() {
        Citations.Renumbered r = Citations.renumber("A [2]. B [2,1]. C [1][3] D [0] [4].", 3);
        assertThat(r.text()).isEqualTo("A [1]. B [1, 2]. C [2][3] D.");
        assertThat(r.citedOriginals()).containsExactly(2, 1, 3);
        assertThat(r.invalid()).containsExactly(0, 4);
        assertThat(Citations.renumber("No markers.", 2).citedOriginals()).isEmpty();
    }

    @Test
    void offlineAnswersFromTheSeedDocumentsWithCitations() {
        RagAnswer a = RagPipeline.builder(seedIndex()).build().ask("What is the Eiffel Tower named after?");
        assertThat(a.offline()).isTrue();
        assertThat(a.answer()).isEqualTo("It is named after the engineer Gustave Eiffel, whose company designed and built "
                + "the tower from 1887 to 1889. [1]");
        assertThat(a.cited()).singleElement().satisfies(s -> assertThat(s.documentId()).isEqualTo("eiffel"));
        assertThat(a.invalidMarkers()).isEmpty();
        RagAnswer unknown = RagPipeline.builder(seedIndex()).build().ask("What is the population of Lyon in 1850?");
        assertThat(unknown.answer()).isEqualTo(RagPipeline.CANNOT_BE_DETERMINED);
        assertThat(unknown.cited()).isEmpty();
        assertThat(unknown.uncited()).isNotEmpty();
    }

    @Test
    void offlineAnswersFromTheProjectDocs() {
        Retriever bm25 = Retrievers.create("bm25", Map.of("chunking", "sentence"));
        opened.add(bm25);
        // apps.md quotes whole answers of this pipeline (markers and source lists) in its transcripts; the checks
        // below parse the answer's own markers, so the page of transcripts is left out
        List<Document> docs = FolderLoader.of(Path.of("../docs")).load().documents().stream()
                .filter(d -> !d.id().startsWith("apps.md")).toList();
        bm25.upsert(docs);
        RagAnswer a = RagPipeline.builder(bm25).build().ask("How does the summarization memory work?");
        assertThat(a.offline()).isTrue();
        assertThat(a.cited()).isNotEmpty();
        assertThat(a.answer()).endsWith("]").contains("[1]");
        assertThat(a.cited().get(0).path()).endsWith(".md");
        // every sentence of the answer is in the chunk its marker cites, at the cited offsets
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.+?) \\[(\\d+)\\](?: |$)").matcher(a.answer());
        int found = 0;
        while (m.find()) {
            Source s = a.cited().get(Integer.parseInt(m.group(2)) - 1);
            String docText = docs.stream().filter(d -> d.id().equals(s.documentId())).findFirst().orElseThrow().text();
            assertThat(docText.substring(s.start(), s.end()).replaceAll("\\s+", " ")).contains(m.group(1).strip());
            assertThat(m.group(1).toLowerCase(java.util.Locale.ROOT)).containsAnyOf("summar", "memory");
            found++;
        }
        assertThat(found).isBetween(1, RagPipeline.OFFLINE_MAX_SENTENCES);
        List<Integer> numbers = new ArrayList<>();
        a.cited().forEach(s -> numbers.add(s.number()));
        a.uncited().forEach(s -> numbers.add(s.number()));
        List<Integer> sorted = new ArrayList<>(numbers);
        Collections.sort(sorted);
        assertThat(numbers).isEqualTo(sorted).startsWith(1);
    }
}
