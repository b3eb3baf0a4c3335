/**
 * Moderation that works on every server: {@link dev.llamakit.moderation.LlamaGuardModerator} classifies a
 * conversation with a Llama Guard 3 model served through chat completions (vLLM, Ollama, llama.cpp, the Llama
 * API), returning the same {@link dev.llamakit.client.ModerationResponse} as the native {@code /moderations}
 * endpoint.
 */
package dev.llamakit.moderation;
