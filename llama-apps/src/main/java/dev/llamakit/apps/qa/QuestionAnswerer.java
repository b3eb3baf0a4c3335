package dev.llamakit.apps.qa;

import dev.llamakit.apps.ArgumentChecks;
import dev.llamakit.apps.TextTooLongException;
import dev.llamakit.apps.text.Sentences;
import dev.llamakit.apps.text.SupportingSentences;
import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.tokens.EstimatingTokenCounter;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Answers a question from a given context only: the seed guide's {@code answer_question}.
 *
 * <ul>
 *   <li>{@link #withModel(ChatModel, String)} asks the model with the seed's prompts: the system message
 *       {@value #SYSTEM_PROMPT} and the user message {@code "Context:\n" + context + "\n\nQuestion: " + question},
 *       with {@code max_completion_tokens} {@value #DEFAULT_MAX_TOKENS}.</li>
 *   <li>{@link #offline()} answers extractively: the context's {@link Sentences sentences} are scored against the
 *       question ({@link SupportingSentences}: BM25 with coverage of the question's terms) and the best-supported
 *       sentence(s) are the answer, in context order. When no sentence covers enough of the question the answer is
 *       {@value #CANNOT_BE_DETERMINED}</li>
 * </ul>
 */
public final class QuestionAnswerer {
    /** The seed guide's system prompt for context-only answers. */
    public static final String SYSTEM_PROMPT = "You are a precise question-answering assistant. When answering questions, "
            + "use only the information provided in the context. If the answer cannot be determined from the context, say so.";
    /** The seed's {@code max_tokens} of {@code answer_question}. */
    public static final int DEFAULT_MAX_TOKENS = 150;
    /** The offline answer when the context does not support one. */
    public static final String CANNOT_BE_DETERMINED = "The answer cannot be determined from the context.";
    /** The most sentences of an offline answer. */
    public static final int OFFLINE_MAX_SENTENCES = 2;
    /**
     * The largest context sent to a model in one request, in estimated tokens: above it {@link #answer} refuses
     * before sending ({@link TextTooLongException}); larger than the context window of most served models.
     */
    public static final int MAX_CONTEXT_TOKENS = 128_000;
    /**
     * The largest context answered from offline, in estimated tokens (about 8 MB of English): above it
     * {@link #answer} refuses before reading the sentences ({@link TextTooLongException}), since every sentence of
     * the context is scored against the question, in memory.
     */
    public static final int MAX_OFFLINE_CONTEXT_TOKENS = 2_000_000;

    private final ChatModel model;
    private final String modelName;
    private final int maxTokens;
    private final double minCoverage;

    private QuestionAnswerer(ChatModel model, String modelName, int maxTokens, double minCoverage) {
        this.model = model;
        this.modelName = modelName;
        this.maxTokens = maxTokens;
        this.minCoverage = minCoverage;
    }

    /** Answers with {@code model}, the seed's prompts and 150 completion tokens. */
    public static QuestionAnswerer withModel(ChatModel model, String modelName) {
        return withModel(model, modelName, DEFAULT_MAX_TOKENS);
    }

    /** Answers with {@code model}, the seed's prompts and at most {@code maxTokens} completion tokens. */
    public static QuestionAnswerer withModel(ChatModel model, String modelName, int maxTokens) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelName, "modelName");
        return new QuestionAnswerer(model, modelName, ArgumentChecks.positive("maxTokens", maxTokens), SupportingSentences.DEFAULT_MIN_COVERAGE);
    }

    /** Answers extractively, without a model. */
    public static QuestionAnswerer offline() {
        return new QuestionAnswerer(null, null, DEFAULT_MAX_TOKENS, SupportingSentences.DEFAULT_MIN_COVERAGE);
    }

    /** Whether answers are extracted from the context rather than written by a model. */
    public boolean isOffline() {
        return model == null;
    }

    /** The largest context this answerer reads, in estimated tokens. */
    public int maxContextTokens() {
        return model == null ? MAX_OFFLINE_CONTEXT_TOKENS : MAX_CONTEXT_TOKENS;
    }

    /** The refusal of a context of about {@code tokens} tokens, over {@link #maxContextTokens()}. */
    public TextTooLongException tooLong(long tokens) {
        String over = model == null ? "more than an offline answer reads (%,d)"
                : "more than one request to a model may carry (%,d); nothing was sent";
        return new TextTooLongException(String.format(java.util.Locale.ROOT, "the context is about %,d tokens, " + over,
                tokens, maxContextTokens()), tokens, maxContextTokens());
    }

    /** The seed's user message for a context and a question. */
    public static String userPrompt(String context, String question) {
        return "Context:\n" + context + "\n\nQuestion: " + question;
    }

    /**
     * Answers {@code question} from {@code context} only.
     *
     * @throws IllegalArgumentException when the question is blank
     * @throws TextTooLongException with a model, when the context is over {@value #MAX_CONTEXT_TOKENS} tokens;
     *                              offline, when it is over {@value #MAX_OFFLINE_CONTEXT_TOKENS}
     */
    public Answer answer(String context, String question) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(question, "question");
        if (question.isBlank()) {
            throw new IllegalArgumentException("the question is empty");
        }
        if (model != null) {
            long tokens = new EstimatingTokenCounter().count(context);
            if (tokens > MAX_CONTEXT_TOKENS) {
                throw tooLong(tokens);
            }
            String text = model.chat(ChatRequest.builder()
                    .model(modelName)
                    .addMessage(Message.system(SYSTEM_PROMPT))
                    .addMessage(Message.user(userPrompt(context, question)))
                    .maxCompletionTokens(maxTokens)
                    .build()).text().strip();
            return new Answer(text, false, List.of());
        }
        long tokens = new EstimatingTokenCounter().count(context);
        if (tokens > MAX_OFFLINE_CONTEXT_TOKENS) {
            throw tooLong(tokens);
        }
        List<Sentences.Sentence> support = SupportingSentences
                .find(Sentences.split(context), question, OFFLINE_MAX_SENTENCES, minCoverage).stream()
                .map(SupportingSentences.Scored::sentence)
                .sorted(Comparator.comparingInt(Sentences.Sentence::start))
                .toList();
        if (support.isEmpty()) {
            return new Answer(CANNOT_BE_DETERMINED, true, List.of());
        }
        String text = String.join(" ", support.stream().map(Sentences.Sentence::normalized).toList());
        return new Answer(text, true, support);
    }
}
