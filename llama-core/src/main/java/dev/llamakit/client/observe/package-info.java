/**
 * Observing chat calls for metrics, tracing and logging: implement {@link dev.llamakit.client.observe.ChatListener}
 * (or use {@link dev.llamakit.client.observe.LoggingChatListener}) and register it with
 * {@code LlamaClient.builder().listener(...)}. Each callback receives the {@link dev.llamakit.client.observe.ChatCall}
 * it is about.
 */
package dev.llamakit.client.observe;
