package dev.llamakit.local;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import java.nio.file.Path;

/** Run in a child JVM: loads the model, answers, closes it and returns from main (or throws, with "fail"). */
public final class ExitProbe {
    private ExitProbe() {
    }

    public static void main(String[] args) {
        try (LocalChatModel model = LocalChatModel.builder(Path.of(args[0])).threads(1).contextSize(256).load()) {
            String text = model.chat(ChatRequest.builder().model("local").addMessage(Message.user("hello"))
                    .maxCompletionTokens(4).build()).text();
            System.out.println("answered " + text.length());
        }
        if (args.length > 1 && args[1].equals("fail")) {
            throw new IllegalStateException("main fails after close");
        }
    }
}
