package dev.llamakit.summarize;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import java.util.Objects;

/**
 * Summarizes with a chat model, using the seed guide's prompts: the summarization system message, then either
 * "Summarize the following text in a concise manner:" or the caller's instruction followed by
 * "Text to process:". An incremental request also gives the model the summary so far and asks for one updated
 * summary.
 */
public final class ChatModelSummarizer implements Summarizer {
    /** The seed guide's system prompt for summaries. */
    public static final String SYSTEM_PROMPT =
            "You are a summarization assistant. Create concise summaries that capture the key points of the provided text.";

    private final ChatModel model;
    private final String modelName;

    public ChatModelSummarizer(ChatModel model, String modelName) {
        this.model = Objects.requireNonNull(model, "model");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
    }

    @Override
    public String summarize(SummaryRequest request) {
        StringBuilder user = new StringBuilder();
        if (request.previousSummaryIfAny().isPresent()) {
            user.append(request.instructionIfAny().orElse("Update the summary with the new text. Keep every fact that "
                    + "still matters (names, numbers, decisions, open questions) and answer with the updated summary only."))
                    .append("\n\nSummary so far:\n").append(request.previousSummary())
                    .append("\n\nNew text:\n").append(request.text());
        } else if (request.instructionIfAny().isPresent()) {
            user.append(request.instruction()).append("\n\nText to process:\n").append(request.text());
        } else {
            user.append("Summarize the following text in a concise manner:\n\n").append(request.text());
        }
        return model.chat(ChatRequest.builder()
                .model(modelName)
                .addMessage(Message.system(SYSTEM_PROMPT))
                .addMessage(Message.user(user.toString()))
                .maxCompletionTokens(request.maxTokens())
                .build()).text().strip();
    }
}
