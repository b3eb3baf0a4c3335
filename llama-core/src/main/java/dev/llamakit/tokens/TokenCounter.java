package dev.llamakit.tokens;

import dev.llamakit.chat.Message;
import java.util.List;

/**
 * Counts (or estimates) the tokens a message takes in a request: its text, its tool-call JSON and the chat
 * template's per-message overhead. Implementations must be thread-safe.
 */
public interface TokenCounter {

    /** Tokens of a piece of text. */
    int count(String text);

    /** Tokens of one message in a request, including the per-message overhead and any tool-call JSON. */
    int count(Message message);

    /** Tokens of a whole request's messages. */
    default int count(List<? extends Message> messages) {
        int total = 0;
        for (Message m : messages) {
            total += count(m);
        }
        return total;
    }

    /**
     * Learns from what the server reported: {@code messages} were sent and the server counted
     * {@code reportedPromptTokens}. Estimators adjust themselves; exact counters ignore it.
     */
    default void calibrate(List<? extends Message> messages, long reportedPromptTokens) {
    }

    /**
     * What this counter has learned from {@link #calibrate}, as a ratio of the server's counts to its raw estimate
     * ({@code 1.0} for a counter that does not calibrate or has not been calibrated yet). A conversation stores it
     * beside the transcript, so that a resumed conversation starts calibrated.
     */
    default double calibration() {
        return 1.0;
    }

    /** Starts from a ratio saved from {@link #calibration()} (e.g. when a conversation is resumed); exact counters ignore it. */
    default void restoreCalibration(double ratio) {
    }
}
