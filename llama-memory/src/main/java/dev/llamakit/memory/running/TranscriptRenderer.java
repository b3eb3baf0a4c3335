package dev.llamakit.memory.running;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ImagePart;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.TranscriptUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders transcript units as plain text for a summarizer, one message per line:
 * {@code User: ...}, {@code Assistant: ...}, {@code Assistant called lookup {"q":"x"}},
 * {@code Tool result (lookup): ...}, {@code System: ...}. Tool-call arguments are compacted JSON (verbatim, with
 * whitespace collapsed, when they are not valid JSON).
 */
final class TranscriptRenderer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TranscriptRenderer() {
    }

    static String render(List<TranscriptUnit> units) {
        StringBuilder sb = new StringBuilder();
        for (TranscriptUnit unit : units) {
            Map<String, String> callNames = new HashMap<>();
            for (TranscriptEntry e : unit.entries()) {
                if (e.message() instanceof AssistantMessage a) {
                    a.toolCalls().forEach(c -> callNames.put(c.id(), c.name()));
                }
                line(sb, e.message(), callNames);
            }
        }
        return sb.toString().strip();
    }

    private static void line(StringBuilder sb, Message message, Map<String, String> callNames) {
        if (message instanceof UserMessage u) {
            long images = u.parts().stream().filter(ImagePart.class::isInstance).count();
            sb.append("User: ").append(u.text().strip());
            if (images > 0) {
                sb.append(images == 1 ? " [1 image]" : " [" + images + " images]");
            }
            sb.append('\n');
        } else if (message instanceof AssistantMessage a) {
            if (!a.text().isBlank() || !a.hasToolCalls()) {
                sb.append("Assistant: ").append(a.text().strip()).append('\n');
            }
            for (ToolCall call : a.toolCalls()) {
                sb.append("Assistant called ").append(call.name()).append(' ').append(compact(call.arguments())).append('\n');
            }
        } else if (message instanceof ToolMessage t) {
            sb.append("Tool result (").append(callNames.getOrDefault(t.toolCallId(), "tool")).append("): ")
                    .append(t.text().strip()).append('\n');
        } else if (message instanceof SystemMessage s) {
            sb.append("System: ").append(s.text().strip()).append('\n');
        }
    }

    /** Compact JSON; text that is not JSON keeps its characters with whitespace runs collapsed. */
    static String compact(String arguments) {
        String trimmed = arguments.strip();
        if (trimmed.isEmpty()) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(JSON.readTree(trimmed));
        } catch (Exception notJson) {
            return trimmed.replaceAll("\\s+", " ");
        }
    }
}
