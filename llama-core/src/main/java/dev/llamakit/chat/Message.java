package dev.llamakit.chat;

import java.util.List;

/**
 * One message of a chat: system, user, assistant or tool. Immutable.
 *
 * <pre>{@code
 * List<Message> messages = List.of(
 *     Message.system("You are a helpful assistant."),
 *     Message.user("What is the capital of France?"));
 * }</pre>
 */
public sealed interface Message permits SystemMessage, UserMessage, AssistantMessage, ToolMessage {

    /** Who wrote the message. */
    Role role();

    /** The message's text: its text parts joined, or {@code ""} when it has none. */
    String text();

    /** A system message. */
    static SystemMessage system(String text) {
        return new SystemMessage(text);
    }

    /** A user message with text only. */
    static UserMessage user(String text) {
        return UserMessage.of(text);
    }

    /** A user message with text and image parts. */
    static UserMessage user(List<ContentPart> parts) {
        return new UserMessage(parts);
    }

    /** An assistant message with text only (for replaying earlier turns). */
    static AssistantMessage assistant(String text) {
        return AssistantMessage.of(text);
    }

    /** The result of a tool call, answering the call with the given id. */
    static ToolMessage tool(String toolCallId, String content) {
        return new ToolMessage(toolCallId, content);
    }
}
