package dev.llamakit.testkit;

/**
 * The JSON body shape of the server's error responses. The real API's error body is undocumented;
 * clients should cope with both.
 */
public enum ErrorShape {
    /** {@code {"error":{"message":"…","type":"…","code":"…"}}}, the OpenAI-style error object. */
    ERROR_OBJECT,
    /** {@code {"title":"…","detail":"…","status":400}}, an RFC 9457-style problem object. */
    PROBLEM
}
