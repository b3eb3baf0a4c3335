package dev.llamakit.retrieval.rerank;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.retrieval.RetrievedChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chat model orders the passages: it is shown the question and the numbered passages (title and text, each cut
 * to {@code maxPassageChars}) and answers with passage numbers, most relevant first. Numbers out of range or
 * repeated are ignored; passages it does not list follow in retrieval order, or are dropped with
 * {@code dropUnlisted}. When the call fails or the reply names no passage, the retrieval order is kept and a
 * warning is logged: re-ranking improves an answer, it never loses one.
 */
public final class LlmReranker implements Reranker {
    /** The system prompt. */
    public static final String SYSTEM_PROMPT = "You rank passages by how well they answer a question. "
            + "Reply with passage numbers only.";
    private static final Logger LOG = LoggerFactory.getLogger(LlmReranker.class);
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private final ChatModel model;
    private final String modelName;
    private final int maxPassageChars;
    private final boolean dropUnlisted;

    /** A reranker asking {@code modelName} through {@code model}. */
    public LlmReranker(ChatModel model, String modelName, int maxPassageChars, boolean dropUnlisted) {
        this.model = Objects.requireNonNull(model, "model");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        if (maxPassageChars < 50) {
            throw new IllegalArgumentException("max-passage-chars must be at least 50, got " + maxPassageChars);
        }
        this.maxPassageChars = maxPassageChars;
        this.dropUnlisted = dropUnlisted;
    }

    @Override
    public List<RetrievedChunk> rerank(String query, List<RetrievedChunk> hits, int topK) {
        RerankSupport.check(query, hits, topK);
        if (hits.size() <= 1) {
            return RerankSupport.ranked(hits);
        }
        String reply;
        try {
            reply = model.chat(ChatRequest.builder().model(modelName)
                    .addMessage(Message.system(SYSTEM_PROMPT))
                    .addMessage(Message.user(prompt(query, hits)))
                    .maxCompletionTokens(Math.max(16, hits.size() * 4))
                    .build()).text();
        } catch (LlamaException e) {
            LOG.warn("llm reranker: the model call failed ({}); keeping the retrieval order", e.getMessage());
            return Reranker.identity().rerank(query, hits, topK);
        }
        Set<Integer> order = new LinkedHashSet<>();
        Matcher m = NUMBER.matcher(reply);
        while (m.find()) {
            String digits = m.group();
            if (digits.length() <= 4) {
                int n = Integer.parseInt(digits);
                if (n >= 1 && n <= hits.size()) {
                    order.add(n - 1);
                }
            }
        }
        if (order.isEmpty()) {
            LOG.warn("llm reranker: the reply named no passage; keeping the retrieval order");
            return Reranker.identity().rerank(query, hits, topK);
        }
        List<RetrievedChunk> ordered = new ArrayList<>();
        order.forEach(i -> ordered.add(hits.get(i)));
        if (!dropUnlisted) {
            for (int i = 0; i < hits.size(); i++) {
                if (!order.contains(i)) {
                    ordered.add(hits.get(i));
                }
            }
        }
        return RerankSupport.ranked(ordered.subList(0, Math.min(topK, ordered.size())));
    }

    /** The user message: the question, the numbered passages, the instruction. */
    String prompt(String query, List<RetrievedChunk> hits) {
        StringBuilder sb = new StringBuilder("Question: ").append(query).append("\n\nPassages:\n");
        for (int i = 0; i < hits.size(); i++) {
            String p = RerankSupport.passage(hits.get(i)).strip().replaceAll("\\s+", " ");
            if (p.length() > maxPassageChars) {
                p = p.substring(0, maxPassageChars) + "…";
            }
            sb.append('[').append(i + 1).append("] ").append(p).append("\n\n");
        }
        return sb.append("List the numbers of the passages that help answer the question, most relevant first, ")
                .append("separated by commas (for example: 3, 1, 2). Leave out passages that do not help.")
                .toString();
    }

    @Override
    public String toString() {
        return "llm(model=" + modelName + ")";
    }
}
