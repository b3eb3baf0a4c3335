package dev.llamakit.apps.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SentenceKindTest {
    static Map<String, SentenceKind> kinds(String text) {
        Map<String, SentenceKind> out = new LinkedHashMap<>();
        for (Sentences.Sentence s : Sentences.split(text)) {
            out.put(s.text(), SentenceKind.of(text, s));
        }
        return out;
    }

    @Test
    void onlyProseListItemsAndAnsweringRowsMayBeCited() {
        String text = "Retries and timeouts\n\n"
                + "The client retries a 429 after the wait the server asks for.\n\n"
                + "- the connect timeout is 5 s\n\n"
                + "| question | answer |\n|---|---|\n"
                + "| How is the API key kept out of logs? | it is masked |\n"
                + "| \"--model NAME\" | default \"Llama-3.3-8B-Instruct\" |\n"
                + "| 429 | ok (2) | ok (2) | same |\n\n"
                + "How do I stream a chat completion?\n\n"
                + "$ ./llama rag ask --index /tmp/idx \"How are summaries persisted?\"\n\n"
                + "llama rag ask --index /tmp/idx --top-k 3 question\n\n"
                + "Retriever r = Retrievers.create(\"bm25\", Map.of(\"index\", \"state/index\"));\n\n"
                + "client.stream(request).onText(System.out::print)\n";
        Map<String, SentenceKind> k = kinds(text);
        assertThat(k.get("Retries and timeouts")).isEqualTo(SentenceKind.HEADING);
        assertThat(k.get("The client retries a 429 after the wait the server asks for.")).isEqualTo(SentenceKind.PROSE);
        assertThat(k.get("- the connect timeout is 5 s")).isEqualTo(SentenceKind.LIST_ITEM);
        assertThat(k.get("| question | answer |")).isEqualTo(SentenceKind.TABLE_HEADER);
        assertThat(k.get("|---|---|")).isEqualTo(SentenceKind.TABLE_HEADER);
        // the sentence break inside the row splits no row: both parts are the question row
        assertThat(k.get("| How is the API key kept out of logs?")).isEqualTo(SentenceKind.QUESTION);
        assertThat(k.get("| it is masked |")).isEqualTo(SentenceKind.QUESTION);
        assertThat(k.get("| \"--model NAME\" | default \"Llama-3.3-8B-Instruct\" |")).isEqualTo(SentenceKind.TABLE_ROW);
        assertThat(k.get("| 429 | ok (2) | ok (2) | same |")).isEqualTo(SentenceKind.TABLE_DATA);
        assertThat(k.get("How do I stream a chat completion?")).isEqualTo(SentenceKind.QUESTION);
        assertThat(k).allSatisfy((sentence, kind) -> {
            if (sentence.contains("llama rag ask") || sentence.startsWith("$") || sentence.contains("Retrievers")
                    || sentence.contains("state/index") || sentence.contains("Map.of")) {
                assertThat(kind).as(sentence).isEqualTo(SentenceKind.CODE);
            }
        });
        assertThat(k.get("llama rag ask --index /tmp/idx --top-k 3 question")).isEqualTo(SentenceKind.CODE);
        assertThat(k.get("client.stream(request).onText(System.out::print)")).isEqualTo(SentenceKind.CODE);
        assertThat(k.values().stream().filter(SentenceKind::citable)).hasSize(3);
    }

    @Test
    void sourceTextFindsLinesCodeAndHeadingsDespiteRendering() {
        SourceText src = SourceText.of("# Title\n\nSome `code span` and a [link](http://x) here.\n\n```java\nint x = 1;\n```\n");
        assertThat(src.lineOf("Some \"code span\" and a \"link\" (http://x) here.", 1)).hasValue(3);
        assertThat(src.isHeading(1)).isTrue();
        assertThat(src.inCode(6)).isTrue();
        assertThat(src.inCode(3)).isFalse();
        assertThat(src.lineOf("nowhere to be found", 1)).isEmpty();
    }
}
