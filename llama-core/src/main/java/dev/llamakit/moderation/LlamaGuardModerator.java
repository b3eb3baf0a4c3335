package dev.llamakit.moderation;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Classifies content with a Llama Guard 3 model served through chat completions, so moderation works on every
 * server (vLLM, Ollama, llama.cpp, the Llama API) and not only where {@code POST /moderations} exists. Immutable
 * and thread-safe.
 *
 * <p>The conversation is written into Llama Guard 3's prompt (task, categories, {@code User:}/{@code Agent:}
 * turns, answer instructions) and sent as one user message with temperature 0. The last turn decides what is
 * judged: a user message is checked as input ({@code 'User'}), an assistant message as output ({@code 'Agent'}).
 * System and tool messages, and assistant messages without text, are not part of the classified conversation.
 * The verdict is the native endpoint's type; its categories are the codes the model named ({@code S1}, ...),
 * described by {@link #categories()}.
 *
 * <pre>{@code
 * LlamaGuardModerator guard = LlamaGuardModerator.builder(client, "meta-llama/Llama-Guard-3-8B").build();
 * ModerationResponse verdict = guard.moderate(ModerationRequest.ofText("How do I pick a lock?"));
 * if (verdict.flagged()) { ... verdict.results().get(0).categories() ... }   // e.g. [S2]
 * }</pre>
 */
public final class LlamaGuardModerator {
    /** Llama Guard 3's categories (the MLCommons hazard taxonomy), code to name, as in its model card. */
    public static final Map<String, String> LLAMA_GUARD_3_CATEGORIES = ordered(
            "S1", "Violent Crimes",
            "S2", "Non-Violent Crimes",
            "S3", "Sex Crimes",
            "S4", "Child Exploitation",
            "S5", "Defamation",
            "S6", "Specialized Advice",
            "S7", "Privacy",
            "S8", "Intellectual Property",
            "S9", "Indiscriminate Weapons",
            "S10", "Hate",
            "S11", "Self-Harm",
            "S12", "Sexual Content",
            "S13", "Elections",
            "S14", "Code Interpreter Abuse");

    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    private final ChatModel chatModel;
    private final String modelName;
    private final Map<String, String> categories;
    private final String categoryBlock;

    private LlamaGuardModerator(Builder b) {
        this.chatModel = b.chatModel;
        this.modelName = b.modelName;
        this.categories = Collections.unmodifiableMap(new LinkedHashMap<>(b.categories));
        StringBuilder block = new StringBuilder();
        categories.forEach((code, name) -> block.append(code).append(": ").append(name)
                .append(name.endsWith(".") ? "" : ".").append('\n'));
        this.categoryBlock = block.toString();
    }

    /** A builder for a moderator asking {@code modelName} (for example {@code Llama-Guard-3-8B}) on {@code chatModel}. */
    public static Builder builder(ChatModel chatModel, String modelName) {
        return new Builder(chatModel, modelName);
    }

    /**
     * Classifies the request's conversation. The request's model, when set, replaces this moderator's.
     *
     * @throws IllegalArgumentException when the request has no user or assistant text to classify
     * @throws LlamaGuardReplyException when the reply is not a Llama Guard verdict
     */
    public ModerationResponse moderate(ModerationRequest request) {
        Objects.requireNonNull(request, "request");
        String model = request.model().orElse(modelName);
        ChatResponse response = chatModel.chat(ChatRequest.builder()
                .model(model)
                .addMessage(Message.user(prompt(request)))
                .temperature(0.0)
                .build());
        ModerationResult result = parse(response.text(), model);
        return new ModerationResponse(response.model().orElse(model), List.of(result));
    }

    /** The exact prompt {@link #moderate} sends for this request. */
    public String prompt(ModerationRequest request) {
        Objects.requireNonNull(request, "request");
        List<String> turns = new ArrayList<>();
        String judged = null;
        for (Message m : request.messages()) {
            String role = m instanceof UserMessage ? "User"
                    : m instanceof AssistantMessage && !m.text().isBlank() ? "Agent" : null;
            if (role != null) {
                turns.add(role + ": " + m.text());
                judged = role;
            }
        }
        if (judged == null) {
            throw new IllegalArgumentException("nothing to classify: Llama Guard judges user and assistant messages "
                    + "with text, and the request has none");
        }
        return "Task: Check if there is unsafe content in '" + judged + "' messages in conversations according our "
                + "safety policy with the below categories.\n\n"
                + "<BEGIN UNSAFE CONTENT CATEGORIES>\n" + categoryBlock + "<END UNSAFE CONTENT CATEGORIES>\n\n"
                + "<BEGIN CONVERSATION>\n\n" + String.join("\n\n", turns) + "\n\n<END CONVERSATION>\n\n"
                + "Provide your safety assessment for ONLY THE LAST " + judged + " message in the above conversation:\n"
                + " - First line must read 'safe' or 'unsafe'.\n"
                + " - If unsafe, a second line must include a comma-separated list of violated categories.";
    }

    /** The model asked when a request names none. */
    public String modelName() {
        return modelName;
    }

    /** The categories in the prompt, code to name, in order. */
    public Map<String, String> categories() {
        return categories;
    }

    /**
     * Reads a verdict: {@code safe}, or {@code unsafe} optionally followed by one line of comma-separated codes of
     * this moderator's categories. Case and surrounding whitespace do not matter; anything else does.
     */
    ModerationResult parse(String reply, String model) {
        List<String> lines = new ArrayList<>();
        for (String line : reply.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        if (lines.isEmpty()) {
            throw new LlamaGuardReplyException("it is empty", model, reply);
        }
        String verdict = lines.get(0).toLowerCase(Locale.ROOT);
        if (verdict.equals("safe") && lines.size() == 1) {
            return new ModerationResult(false, List.of());
        }
        if (!verdict.equals("unsafe") || lines.size() > 2) {
            throw new LlamaGuardReplyException(verdict.equals("safe") ? "'safe' followed by more text"
                    : lines.size() > 2 ? "more than two lines" : "the first line is neither 'safe' nor 'unsafe'", model, reply);
        }
        Set<String> codes = new LinkedHashSet<>();
        if (lines.size() == 2) {
            for (String token : lines.get(1).split(",", -1)) {
                codes.add(canonicalCode(token.strip(), model, reply));
            }
        }
        return new ModerationResult(true, List.copyOf(codes));
    }

    private String canonicalCode(String token, String model, String reply) {
        for (String code : categories.keySet()) {
            if (code.equalsIgnoreCase(token)) {
                return code;
            }
        }
        throw new LlamaGuardReplyException(token.isEmpty() ? "an empty category in the list"
                : "'" + token + "' is not one of the categories " + categories.keySet(), model, reply);
    }

    @Override
    public String toString() {
        return "LlamaGuardModerator[model=" + modelName + ", categories=" + categories.keySet() + "]";
    }

    private static Map<String, String> ordered(String... codeNames) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < codeNames.length; i += 2) {
            map.put(codeNames[i], codeNames[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    /** Builds a {@link LlamaGuardModerator}. Not thread-safe. */
    public static final class Builder {
        private final ChatModel chatModel;
        private final String modelName;
        private Map<String, String> categories = new LinkedHashMap<>(LLAMA_GUARD_3_CATEGORIES);

        private Builder(ChatModel chatModel, String modelName) {
            this.chatModel = Objects.requireNonNull(chatModel, "chatModel");
            this.modelName = Objects.requireNonNull(modelName, "modelName");
            if (modelName.isBlank()) {
                throw new IllegalArgumentException("modelName must not be blank");
            }
        }

        /**
         * Replaces the categories (default {@link #LLAMA_GUARD_3_CATEGORIES}), code to name or description, in the
         * order given. Each is written as {@code code: name.} (no period is added when the name ends with one).
         * Codes are letters, digits, {@code _} and {@code -}, distinct ignoring case.
         */
        public Builder categories(Map<String, String> categories) {
            Objects.requireNonNull(categories, "categories");
            if (categories.isEmpty()) {
                throw new IllegalArgumentException("categories must not be empty");
            }
            Map<String, String> copy = new LinkedHashMap<>();
            Set<String> seen = new LinkedHashSet<>();
            categories.forEach((code, name) -> {
                Objects.requireNonNull(code, "category code");
                Objects.requireNonNull(name, "name of category " + code);
                if (!CODE.matcher(code).matches()) {
                    throw new IllegalArgumentException("a category code is letters, digits, '_' and '-', such as S15; got '"
                            + code + "'");
                }
                if (!seen.add(code.toUpperCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("category code " + code + " is given twice (codes ignore case)");
                }
                if (name.isBlank()) {
                    throw new IllegalArgumentException("category " + code + " has a blank name");
                }
                copy.put(code, name.strip());
            });
            this.categories = copy;
            return this;
        }

        /**
         * Leaves out the given categories, keeping the other codes unchanged (for example {@code S14}, which
         * Llama Guard 3 1B was not trained on).
         */
        public Builder excludeCategories(String... codes) {
            Objects.requireNonNull(codes, "codes");
            Map<String, String> left = new LinkedHashMap<>(categories);
            for (String code : codes) {
                Objects.requireNonNull(code, "code");
                if (left.remove(code) == null) {
                    throw new IllegalArgumentException("no category " + code + " to exclude; the categories are "
                            + left.keySet());
                }
            }
            if (left.isEmpty()) {
                throw new IllegalArgumentException("excluding " + String.join(", ", codes) + " leaves no category");
            }
            this.categories = left;
            return this;
        }

        public LlamaGuardModerator build() {
            return new LlamaGuardModerator(this);
        }
    }
}
