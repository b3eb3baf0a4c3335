package dev.llamakit.memory.running;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link ChatModel} for tests that answers "Noted: ..." to the last message and records what it was sent. */
public final class ScriptedChatModel implements ChatModel {
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public ChatResponse chat(ChatRequest request) {
        requests.add(request);
        List<Message> messages = request.messages();
        String last = messages.get(messages.size() - 1).text();
        return ChatResponse.builder().message(new AssistantMessage("Noted: " + last, List.of(), StopReason.STOP)).build();
    }

    public List<ChatRequest> requests() {
        return List.copyOf(requests);
    }
}
