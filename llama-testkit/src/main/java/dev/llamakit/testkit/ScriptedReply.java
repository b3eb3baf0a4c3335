package dev.llamakit.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A reply queued with {@link LlamaTestServer#enqueue(ScriptedReply)}. Immutable: the {@code with*}
 * methods return modified copies.
 *
 * <p>Each request the server receives, whatever its path, takes the next queued reply. Replies
 * fall into two groups:
 * <ul>
 *   <li><b>Rendered replies</b> ({@link #text}, {@link #toolCalls}, {@link #defaultReply},
 *       {@link #moderation}) go through the server's normal checks (auth, content type, JSON,
 *       fields, model) and are rendered in the dialect, and as a stream or not, as the request asks.
 *       If a check fails, its error is answered and the reply is used up. A chat reply that meets a
 *       non-chat request (or a moderation reply a non-moderation request) is answered with a 500
 *       whose message says so.</li>
 *   <li><b>Verbatim replies</b> ({@link #status}, {@link #redirect}, {@link #malformedJson},
 *       {@link #rawJson}, {@link #dropConnection}, {@link #dropMidBody}, {@link #sse},
 *       {@link #sseThenDrop}, {@link #sseRepeating}, {@link #sseBytes}) are sent as scripted on any
 *       path, without any check.</li>
 * </ul>
 * {@link #withDelay(Duration)} works on every kind; {@link #withEventDelay(Duration)} on the event
 * streams and the chat replies. Every event stream the server writes records a
 * {@link StreamOutcome}.
 */
public final class ScriptedReply {

    /** What a scripted reply does. */
    enum Kind {
        TEXT(true), TOOL_CALLS(true), DEFAULT(true), MODERATION(true),
        STATUS(false), REDIRECT(false), MALFORMED_JSON(false), RAW_JSON(false),
        DROP_CONNECTION(false), DROP_MID_BODY(false), SSE(false), SSE_THEN_DROP(false),
        SSE_REPEATING(false), SSE_BYTES(false);

        private final boolean rendered;

        Kind(boolean rendered) {
            this.rendered = rendered;
        }

        /** Whether the server validates the request and renders this reply in the request's dialect. */
        boolean rendered() {
            return rendered;
        }

        /** Whether this is a chat-completion reply. */
        boolean chat() {
            return this == TEXT || this == TOOL_CALLS || this == DEFAULT;
        }
    }

    /** The body a {@link #malformedJson()} reply sends. */
    static final String MALFORMED_BODY = "{\"completion_message\": {\"role\": \"assis";

    private final Kind kind;
    private final String text;
    private final List<ToolCallSpec> toolCalls;
    private final String stopReason;
    private final Long promptTokens;
    private final Long completionTokens;
    private final int status;
    private final String body;
    private final String location;
    private final List<String> events;
    private final List<byte[]> byteEvents;
    private final String repeatedEvent;
    private final int repeatCount;
    private final String trailer;
    private final List<String> categories;
    private final List<Map.Entry<String, String>> headers;
    private final Duration delay;
    private final Duration eventDelay;

    private ScriptedReply(Kind kind, String text, List<ToolCallSpec> toolCalls, String stopReason,
                          Long promptTokens, Long completionTokens, int status, String body, String location,
                          List<String> events, List<byte[]> byteEvents, String repeatedEvent, int repeatCount,
                          String trailer, List<String> categories,
                          List<Map.Entry<String, String>> headers, Duration delay, Duration eventDelay) {
        this.kind = kind;
        this.text = text;
        this.toolCalls = toolCalls;
        this.stopReason = stopReason;
        this.promptTokens = promptTokens;
        this.completionTokens = completionTokens;
        this.status = status;
        this.body = body;
        this.location = location;
        this.events = events;
        this.byteEvents = byteEvents;
        this.repeatedEvent = repeatedEvent;
        this.repeatCount = repeatCount;
        this.trailer = trailer;
        this.categories = categories;
        this.headers = headers;
        this.delay = delay;
        this.eventDelay = eventDelay;
    }

    private static ScriptedReply of(Kind kind) {
        return new ScriptedReply(kind, "", List.of(), null, null, null, 200, null, null,
                List.of(), List.of(), null, 0, null, List.of(), List.of(), Duration.ZERO, Duration.ZERO);
    }

    private Builder copy() {
        return new Builder(this);
    }

    // ---------------------------------------------------------------- rendered replies

    /**
     * A chat reply with the given assistant text and stop reason {@code stop}, rendered in the
     * request's dialect (JSON or stream). The text is sent as is, whatever the request's token limit.
     */
    public static ScriptedReply text(String text) {
        Objects.requireNonNull(text, "text must not be null");
        Builder b = of(Kind.TEXT).copy();
        b.text = text;
        b.stopReason = "stop";
        return b.build();
    }

    /** A chat reply that calls the given tools: empty text, stop reason {@code tool_calls}. */
    public static ScriptedReply toolCalls(ToolCallSpec... calls) {
        Objects.requireNonNull(calls, "calls must not be null");
        if (calls.length == 0) {
            throw new IllegalArgumentException("toolCalls needs at least one ToolCallSpec");
        }
        for (ToolCallSpec call : calls) {
            Objects.requireNonNull(call, "calls must not contain null");
        }
        Builder b = of(Kind.TOOL_CALLS).copy();
        b.toolCalls = List.copyOf(Arrays.asList(calls));
        b.stopReason = "tool_calls";
        return b.build();
    }

    /**
     * The server's deterministic default chat reply (see {@link LlamaTestServer}), as an explicit
     * queue entry, e.g. to combine it with {@link #withDelay(Duration)} or {@link #withHeader}.
     */
    public static ScriptedReply defaultReply() {
        return of(Kind.DEFAULT);
    }

    /**
     * A moderation result flagging the given category slugs (none: not flagged), rendered in the
     * request's dialect. For the OpenAI dialect every input gets this same result.
     */
    public static ScriptedReply moderation(String... flaggedCategories) {
        Objects.requireNonNull(flaggedCategories, "flaggedCategories must not be null");
        for (String category : flaggedCategories) {
            Objects.requireNonNull(category, "flaggedCategories must not contain null");
        }
        Builder b = of(Kind.MODERATION).copy();
        b.categories = List.copyOf(Arrays.asList(flaggedCategories));
        return b.build();
    }

    // ---------------------------------------------------------------- verbatim replies

    /**
     * A reply with the given status (200–599) and, for 4xx/5xx, an error body in the server's
     * {@link ErrorShape}; change the body with {@link #withBody(String)}. Content type
     * {@code application/json} unless a {@link #withHeader header} overrides it.
     */
    public static ScriptedReply status(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be within 200..599, was " + status);
        }
        Builder b = of(Kind.STATUS).copy();
        b.status = status;
        return b.build();
    }

    /**
     * A redirect (3xx, usually 307 or 308) to {@code location}. A location starting with {@code /}
     * is made absolute against this server. The redirect uses up one queue entry; the follow-up
     * request takes the next one (or gets the default reply).
     */
    public static ScriptedReply redirect(int status, String location) {
        if (status < 300 || status > 399) {
            throw new IllegalArgumentException("redirect status must be within 300..399, was " + status);
        }
        Objects.requireNonNull(location, "location must not be null");
        if (location.isBlank()) {
            throw new IllegalArgumentException("location must not be blank");
        }
        Builder b = of(Kind.REDIRECT).copy();
        b.status = status;
        b.location = location;
        return b.build();
    }

    /** A 200 {@code application/json} reply whose body is not valid JSON (a cut-off completion). */
    public static ScriptedReply malformedJson() {
        return of(Kind.MALFORMED_JSON);
    }

    /** A 200 {@code application/json} reply with the given body, sent verbatim. */
    public static ScriptedReply rawJson(String body) {
        Objects.requireNonNull(body, "body must not be null");
        Builder b = of(Kind.RAW_JSON).copy();
        b.body = body;
        return b.build();
    }

    /** Closes the connection without sending any response; the client sees an I/O error. */
    public static ScriptedReply dropConnection() {
        return of(Kind.DROP_CONNECTION);
    }

    /**
     * Sends 200 headers with a {@code Content-Length} larger than the body, writes the first part of
     * a valid JSON completion, then closes the connection; the client sees a truncated body.
     */
    public static ScriptedReply dropMidBody() {
        return of(Kind.DROP_MID_BODY);
    }

    /**
     * A 200 {@code text/event-stream} reply ({@code Cache-Control: no-cache}) that writes each
     * string verbatim as UTF-8 and flushes it, then ends the body cleanly. The strings carry their
     * own framing ({@code "data: {...}\n\n"}); an element need not be a whole event, so a recorded
     * stream can be split at any character into two elements. To split inside a multi-byte
     * character, use {@link #sseBytes(List)}.
     */
    public static ScriptedReply sse(List<String> rawEvents) {
        return sseOf(Kind.SSE, rawEvents);
    }

    /** Like {@link #sse(List)}, but closes the connection after the events instead of ending the body. */
    public static ScriptedReply sseThenDrop(List<String> rawEvents) {
        return sseOf(Kind.SSE_THEN_DROP, rawEvents);
    }

    private static ScriptedReply sseOf(Kind kind, List<String> rawEvents) {
        Objects.requireNonNull(rawEvents, "rawEvents must not be null");
        Builder b = of(kind).copy();
        b.events = List.copyOf(rawEvents); // rejects null elements
        return b.build();
    }

    /**
     * Like {@link #sse(List)}, but each element is a raw byte chunk, written verbatim and flushed.
     * A chunk may end inside a multi-byte UTF-8 character (or hold bytes that are not UTF-8 at
     * all), to test a client's decoder across reads. The arrays are copied.
     */
    public static ScriptedReply sseBytes(List<byte[]> rawChunks) {
        Objects.requireNonNull(rawChunks, "rawChunks must not be null");
        List<byte[]> copies = new ArrayList<>(rawChunks.size());
        for (byte[] chunk : rawChunks) {
            copies.add(Objects.requireNonNull(chunk, "rawChunks must not contain null").clone());
        }
        Builder b = of(Kind.SSE_BYTES).copy();
        b.byteEvents = List.copyOf(copies);
        return b.build();
    }

    /**
     * A 200 {@code text/event-stream} reply that writes {@code count} copies of {@code event}, then
     * {@code trailer} (e.g. {@code "data: [DONE]\n\n"}; empty: none), then ends the body cleanly,
     * without building the whole body in memory: for long streams in cancellation tests and
     * benchmarks. Both strings are written verbatim as UTF-8.
     *
     * <p>Unlike {@link #sse(List)}, the events are not flushed one by one: they go through a
     * 64 KiB buffer that is flushed when it fills and at the end, so a benchmark measures the
     * client rather than the server's flushes. With {@link #withEventDelay(Duration)} every event
     * is flushed after its delay.
     *
     * @throws IllegalArgumentException if {@code event} is empty or {@code count} is negative
     */
    public static ScriptedReply sseRepeating(String event, int count, String trailer) {
        Objects.requireNonNull(event, "event must not be null");
        Objects.requireNonNull(trailer, "trailer must not be null");
        if (event.isEmpty()) {
            throw new IllegalArgumentException("event must not be empty");
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        Builder b = of(Kind.SSE_REPEATING).copy();
        b.repeatedEvent = event;
        b.repeatCount = count;
        b.trailer = trailer;
        return b.build();
    }

    // ---------------------------------------------------------------- modifiers

    /**
     * Returns a copy with this stop reason ({@code stop}, {@code tool_calls} or {@code length}; other
     * values are sent as given, to test a client's tolerance). Chat replies only.
     */
    public ScriptedReply withStopReason(String stopReason) {
        Objects.requireNonNull(stopReason, "stopReason must not be null");
        if (stopReason.isBlank()) {
            throw new IllegalArgumentException("stopReason must not be blank");
        }
        requireKind("withStopReason", Kind.TEXT, Kind.TOOL_CALLS);
        Builder b = copy();
        b.stopReason = stopReason;
        return b.build();
    }

    /** Returns a copy that reports these token counts instead of the computed ones. Chat replies only. */
    public ScriptedReply withUsage(long promptTokens, long completionTokens) {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
        requireKind("withUsage", Kind.TEXT, Kind.TOOL_CALLS, Kind.DEFAULT);
        Builder b = copy();
        b.promptTokens = promptTokens;
        b.completionTokens = completionTokens;
        return b.build();
    }

    /** Returns a copy whose response body is {@code rawBody}, verbatim. {@link #status} replies only. */
    public ScriptedReply withBody(String rawBody) {
        Objects.requireNonNull(rawBody, "rawBody must not be null");
        requireKind("withBody", Kind.STATUS);
        Builder b = copy();
        b.body = rawBody;
        return b.build();
    }

    /**
     * Returns a copy that also sends this response header (e.g. {@code retry-after},
     * {@code retry-after-ms}, {@code x-should-retry}, {@code content-type}). Headers named here
     * replace the server's own header of that name. Not for {@link #dropConnection()}.
     */
    public ScriptedReply withHeader(String name, String value) {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(value, "value must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("header name must not be blank");
        }
        if (kind == Kind.DROP_CONNECTION) {
            throw new IllegalStateException("withHeader: dropConnection() sends no response, so no headers");
        }
        Builder b = copy();
        List<Map.Entry<String, String>> all = new ArrayList<>(headers);
        all.add(Map.entry(name, value));
        b.headers = List.copyOf(all);
        return b.build();
    }

    /**
     * Returns a copy that waits this long before sending anything. The wait ends early, without a
     * response, when the server closes.
     */
    public ScriptedReply withDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay must not be null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        Builder b = copy();
        b.delay = delay;
        return b.build();
    }

    /**
     * Returns a copy that waits this long before writing each event of an event stream, flushing
     * each event, so a client sees a slow stream: the events of {@link #sse}, {@link #sseThenDrop},
     * {@link #sseBytes} and {@link #sseRepeating}, and the events the server generates for a
     * {@link #text}, {@link #toolCalls} or {@link #defaultReply} answered to a {@code stream: true}
     * request (every {@code data:} line, including {@code [DONE]}). The wait comes after
     * {@link #withDelay(Duration)}'s, before the first event as before every other one. It ends
     * early, closing the connection, when the server closes.
     *
     * <p>A chat reply may also meet a request without {@code stream: true}; it is then answered as
     * one JSON body and the event delay is not used.
     *
     * @throws IllegalStateException for the other kinds, which write no event stream
     */
    public ScriptedReply withEventDelay(Duration eventDelay) {
        Objects.requireNonNull(eventDelay, "eventDelay must not be null");
        if (eventDelay.isNegative()) {
            throw new IllegalArgumentException("eventDelay must not be negative");
        }
        requireKind("withEventDelay", Kind.SSE, Kind.SSE_THEN_DROP, Kind.SSE_REPEATING, Kind.SSE_BYTES,
                Kind.TEXT, Kind.TOOL_CALLS, Kind.DEFAULT);
        Builder b = copy();
        b.eventDelay = eventDelay;
        return b.build();
    }

    private void requireKind(String method, Kind... allowed) {
        for (Kind k : allowed) {
            if (k == kind) {
                return;
            }
        }
        throw new IllegalStateException(method + " does not apply to a " + describe() + " reply");
    }

    // ---------------------------------------------------------------- package-private accessors

    Kind kind() {
        return kind;
    }

    String replyText() {
        return text;
    }

    List<ToolCallSpec> calls() {
        return toolCalls;
    }

    String stopReason() {
        return stopReason;
    }

    Long promptTokens() {
        return promptTokens;
    }

    Long completionTokens() {
        return completionTokens;
    }

    int statusCode() {
        return status;
    }

    String body() {
        return body;
    }

    String location() {
        return location;
    }

    List<String> events() {
        return events;
    }

    List<byte[]> byteEvents() {
        return byteEvents;
    }

    String repeatedEvent() {
        return repeatedEvent;
    }

    int repeatCount() {
        return repeatCount;
    }

    String trailer() {
        return trailer;
    }

    List<String> categories() {
        return categories;
    }

    List<Map.Entry<String, String>> headers() {
        return headers;
    }

    Duration delay() {
        return delay;
    }

    Duration eventDelay() {
        return eventDelay;
    }

    /** A short name of this reply's kind, for messages. */
    String describe() {
        return switch (kind) {
            case TEXT -> "text(...)";
            case TOOL_CALLS -> "toolCalls(...)";
            case DEFAULT -> "defaultReply()";
            case MODERATION -> "moderation(...)";
            case STATUS -> "status(" + status + ")";
            case REDIRECT -> "redirect(" + status + ", ...)";
            case MALFORMED_JSON -> "malformedJson()";
            case RAW_JSON -> "rawJson(...)";
            case DROP_CONNECTION -> "dropConnection()";
            case DROP_MID_BODY -> "dropMidBody()";
            case SSE -> "sse(...)";
            case SSE_THEN_DROP -> "sseThenDrop(...)";
            case SSE_REPEATING -> "sseRepeating(..., " + repeatCount + ", ...)";
            case SSE_BYTES -> "sseBytes(...)";
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ScriptedReply{").append(describe());
        if (kind == Kind.TEXT) {
            sb.append(", text=").append(abbreviate(text));
        }
        if (kind == Kind.TOOL_CALLS) {
            sb.append(", toolCalls=").append(toolCalls);
        }
        if (stopReason != null) {
            sb.append(", stopReason=").append(stopReason);
        }
        if (location != null) {
            sb.append(", location=").append(location);
        }
        if (!events.isEmpty()) {
            sb.append(", events=").append(events.size());
        }
        if (!byteEvents.isEmpty()) {
            sb.append(", chunks=").append(byteEvents.size());
        }
        if (!headers.isEmpty()) {
            sb.append(", headers=").append(headers);
        }
        if (!delay.isZero()) {
            sb.append(", delay=").append(delay);
        }
        if (!eventDelay.isZero()) {
            sb.append(", eventDelay=").append(eventDelay);
        }
        return sb.append('}').toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? '"' + s + '"' : '"' + s.substring(0, 57) + "...\"";
    }

    /** Mutable copy used by the factories and {@code with*} methods. */
    private static final class Builder {
        private final Kind kind;
        private String text;
        private List<ToolCallSpec> toolCalls;
        private String stopReason;
        private Long promptTokens;
        private Long completionTokens;
        private int status;
        private String body;
        private String location;
        private List<String> events;
        private List<byte[]> byteEvents;
        private String repeatedEvent;
        private int repeatCount;
        private String trailer;
        private List<String> categories;
        private List<Map.Entry<String, String>> headers;
        private Duration delay;
        private Duration eventDelay;

        Builder(ScriptedReply r) {
            kind = r.kind;
            text = r.text;
            toolCalls = r.toolCalls;
            stopReason = r.stopReason;
            promptTokens = r.promptTokens;
            completionTokens = r.completionTokens;
            status = r.status;
            body = r.body;
            location = r.location;
            events = r.events;
            byteEvents = r.byteEvents;
            repeatedEvent = r.repeatedEvent;
            repeatCount = r.repeatCount;
            trailer = r.trailer;
            categories = r.categories;
            headers = r.headers;
            delay = r.delay;
            eventDelay = r.eventDelay;
        }

        ScriptedReply build() {
            return new ScriptedReply(kind, text, toolCalls, stopReason, promptTokens, completionTokens,
                    status, body, location, events, byteEvents, repeatedEvent, repeatCount, trailer,
                    categories, headers, delay, eventDelay);
        }
    }
}
