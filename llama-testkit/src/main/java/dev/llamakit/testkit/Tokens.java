package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The server's deterministic token counting. A "word" is a maximal run of non-whitespace.
 * <ul>
 *   <li>prompt tokens = words in the text of every message + 4 per message;</li>
 *   <li>completion tokens = words of the reply text + for each tool call, 1 + words of its
 *       arguments string; at least 1.</li>
 * </ul>
 */
final class Tokens {

    /** Tokens added per message for the chat template. */
    static final int PER_MESSAGE = 4;

    private Tokens() {
    }

    static int words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? 0 : stripped.split("\\s+").length;
    }

    static long prompt(JsonNode messages) {
        long total = 0;
        for (JsonNode message : messages) {
            total += PER_MESSAGE + words(MessageText.of(message.get("content")));
        }
        return total;
    }

    static long completion(String text, List<ToolCallSpec> toolCalls) {
        long total = words(text);
        for (ToolCallSpec call : toolCalls) {
            total += 1 + words(call.argumentsJson());
        }
        return Math.max(1, total);
    }
}
