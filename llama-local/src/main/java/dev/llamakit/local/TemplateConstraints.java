package dev.llamakit.local;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.Role;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.local.LocalModelException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * Shapes a conversation to what a chat template accepts. A template that calls {@code raise_exception} does not fail
 * the request: llama.cpp's template engine throws a C++ exception that ends the whole process. Two such checks are
 * common, and a conversation llamakit builds can fail them (memory strategies and RAG add messages of their own):
 * <ul>
 *   <li>strict alternation of user and assistant turns after an optional first system message (Llama 2, Mistral):
 *       consecutive user messages are joined, a later system message joins the user turn after it, and consecutive
 *       assistant messages without tool calls are joined; a conversation whose first turn is not the user's is
 *       refused in Java;</li>
 *   <li>one tool call per assistant message (Llama 3.1 to 3.3): a message with several calls becomes one message per
 *       call, each followed by its result.</li>
 * </ul>
 * Other templates get the conversation unchanged.
 */
final class TemplateConstraints {
    private final boolean alternates;
    private final boolean singleToolCalls;

    TemplateConstraints(String template) {
        boolean raises = template.contains("raise_exception");
        this.alternates = raises && template.contains("must alternate");
        this.singleToolCalls = raises && template.contains("single tool-call");
    }

    List<Message> fit(List<Message> messages) {
        List<Message> shaped = singleToolCalls ? oneCallPerMessage(messages) : messages;
        return alternates ? alternating(shaped) : shaped;
    }

    private static List<Message> oneCallPerMessage(List<Message> messages) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.get(i) instanceof AssistantMessage a) || a.toolCalls().size() < 2) {
                out.add(messages.get(i));
                continue;
            }
            List<ToolMessage> results = new ArrayList<>();
            int next = i + 1;
            while (next < messages.size() && messages.get(next) instanceof ToolMessage t) {
                results.add(t);
                next++;
            }
            for (int c = 0; c < a.toolCalls().size(); c++) {
                ToolCall call = a.toolCalls().get(c);
                out.add(new AssistantMessage(c == 0 ? a.text() : "", List.of(call), a.stopReason()));
                results.stream().filter(t -> t.toolCallId().equals(call.id())).forEach(out::add);
            }
            results.stream().filter(t -> a.toolCalls().stream().noneMatch(c -> c.id().equals(t.toolCallId())))
                    .forEach(out::add);
            i = next - 1;
        }
        return out;
    }

    private static List<Message> alternating(List<Message> messages) {
        List<Message> out = new ArrayList<>();
        String pendingSystem = null;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m instanceof SystemMessage s) {
                if (i == 0) {
                    out.add(s);
                } else {
                    pendingSystem = pendingSystem == null ? s.text() : pendingSystem + "\n\n" + s.text();
                }
                continue;
            }
            if (pendingSystem != null && m instanceof UserMessage u) {
                m = Message.user(pendingSystem + "\n\n" + u.text());
                pendingSystem = null;
            }
            Message last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last instanceof UserMessage previous && m instanceof UserMessage u) {
                out.set(out.size() - 1, Message.user(previous.text() + "\n\n" + u.text()));
            } else if (last instanceof AssistantMessage previous && m instanceof AssistantMessage a
                    && !previous.hasToolCalls() && !a.hasToolCalls()) {
                out.set(out.size() - 1, new AssistantMessage(previous.text() + "\n\n" + a.text(), List.of(), a.stopReason()));
            } else {
                out.add(m);
            }
        }
        if (pendingSystem != null) {
            out.add(Message.user(pendingSystem));
        }
        Message first = out.stream().filter(m -> m.role() != Role.SYSTEM).findFirst().orElse(null);
        if (first != null && first.role() != Role.USER) {
            throw new LocalModelException(Reason.UNSUPPORTED, "this model's chat template needs the conversation to "
                    + "start with a user message (after an optional system message), but it starts with a "
                    + first.role().wireName() + " message");
        }
        return out;
    }
}
