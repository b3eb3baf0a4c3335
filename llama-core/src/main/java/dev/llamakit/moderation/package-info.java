/**
 * Content moderation with Llama Guard. {@link dev.llamakit.moderation.ModerationRequest} (what to classify),
 * {@link dev.llamakit.moderation.ModerationResponse} and its {@link dev.llamakit.moderation.ModerationResult}s
 * are the shapes of the native {@code /moderations} endpoint ({@code LlamaClient.moderate}).
 * {@link dev.llamakit.moderation.LlamaGuardModerator} works on every server: it classifies a conversation with a
 * Llama Guard 3 model served through chat completions (vLLM, Ollama, llama.cpp, the Llama API), returning the
 * same {@code ModerationResponse}.
 */
package dev.llamakit.moderation;
