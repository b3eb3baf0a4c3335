/**
 * A faithful local Llama API server for tests, in the style of OkHttp's MockWebServer.
 *
 * <p>{@link dev.llamakit.testkit.LlamaTestServer} answers the native Llama API under {@code /v1}
 * and the OpenAI-compatible API under {@code /compat/v1} on a loopback port, with deterministic
 * default replies, scripted replies and faults ({@link dev.llamakit.testkit.ScriptedReply}), and
 * records every request it receives ({@link dev.llamakit.testkit.RecordedRequest}).
 * {@link dev.llamakit.testkit.LlamaTestServerExtension} manages a server's life cycle in JUnit 5.
 */
package dev.llamakit.testkit;
