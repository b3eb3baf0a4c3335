/**
 * llamakit's local models: a {@link dev.llamakit.client.ChatModel} that runs a Llama model from a GGUF file inside
 * the JVM on llama.cpp (java-llama.cpp), and a token counter backed by its tokenizer.
 */
@SuppressWarnings("requires-automatic") // java-llama.cpp has no module name of its own: "llama", from its jar's name
module dev.llamakit.local {
    requires transitive dev.llamakit.core;
    requires llama;
    requires org.slf4j;

    exports dev.llamakit.local;

    provides dev.llamakit.tokens.TokenCounterProvider with dev.llamakit.local.LocalTokenCounterProvider;
}
