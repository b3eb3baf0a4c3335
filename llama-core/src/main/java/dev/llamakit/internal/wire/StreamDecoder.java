package dev.llamakit.internal.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.chat.StopReason;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.error.StreamErrorException;
import dev.llamakit.internal.json.ErrorMessages;
import dev.llamakit.internal.json.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.regex.Pattern;

/**
 * Turns the data of one stream event (a JSON chunk) into typed {@link ChatStreamEvent}s. Reads with one Jackson
 * streaming {@link JsonParser} per stream, straight from the event's bytes: no tree, no string per line and no
 * parser per event. One instance per stream; it tracks whether the stream started and completed. Internal.
 *
 * <p>After the first event, a dialect's fast path ({@link #decodeFast}) reads the common text events straight
 * from their bytes, without a tokenizer; it leaves everything else to Jackson, before emitting anything. Both
 * read every event alike (StreamDecoderDifferentialTest). Jackson's messages for invalid JSON are quoted without
 * their line and column: those count the bytes of every event the parser read, so they would depend on how
 * many events the fast path read.
 */
public abstract class StreamDecoder {
    static final JsonFactory FACTORY = Json.MAPPER.getFactory();
    private static final Pattern LOCATION = Pattern.compile("\\s*(\\(start marker at )?\\[Source: [^\\]]*; line: -?\\d+, column: -?\\d+\\]\\)?");

    /** One parser reads every event of the stream, each a new root-level value: no parser per event. */
    private final EventDataInput input = new EventDataInput();
    private final boolean fastPath;
    private JsonParser parser;
    /** The parser holds bytes other than whitespace after an event's object: they belong to its next event. */
    private boolean parserHoldsBytes;
    private boolean broken;
    private boolean started;
    private boolean completed;
    private boolean sawToolCall;
    private int fastEvents;

    StreamDecoder(boolean fastPath) {
        this.fastPath = fastPath;
    }

    /** A decoder for one stream in the given dialect. */
    public static StreamDecoder forDialect(Dialect dialect) {
        return dialect == Dialect.LLAMA ? new LlamaStreamDecoder(true) : new OpenAiStreamDecoder(true);
    }

    /** A decoder that reads every event with Jackson: the reference the fast paths are tested against. */
    static StreamDecoder jacksonOnly(Dialect dialect) {
        return dialect == Dialect.LLAMA ? new LlamaStreamDecoder(false) : new OpenAiStreamDecoder(false);
    }

    /**
     * Decodes one event's data and appends the resulting events to {@code out}.
     *
     * @throws WireException when the data is not the expected JSON
     * @throws StreamErrorException when the chunk is an error object
     */
    public final void decode(byte[] data, int length, Queue<ChatStreamEvent> out) {
        if (broken) {
            throw new WireException("the stream's JSON parser failed on an earlier event");
        }
        if (fastPath && started && !parserHoldsBytes && decodeFast(data, length, out)) {
            fastEvents++;
            return;
        }
        input.set(data, length);
        try {
            if (parser == null) {
                parser = FACTORY.createParser(input);
            }
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new WireException("stream event is not a JSON object: " + snippet(data, length));
            }
            decodeObject(parser, out);
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new WireException("stream event is not a complete JSON object: " + snippet(data, length));
            }
            if (fastPath && !parserHoldsBytes) {
                parserHoldsBytes = holdsBytes();
            }
        } catch (IOException e) {
            broken = true;
            throw new WireException("stream event is not valid JSON (" + withoutLocation(e) + "): " + snippet(data, length), e);
        } catch (WireException | StreamErrorException e) {
            broken = true;
            throw e;
        }
    }

    /** Reads the fields of the chunk object (the parser is on its START_OBJECT). */
    protected abstract void decodeObject(JsonParser p, Queue<ChatStreamEvent> out) throws IOException;

    /**
     * Reads a common event without Jackson, once the stream started. Returns {@code false}, having emitted nothing
     * and changed nothing, when the event is not one the fast path reads exactly as {@link #decodeObject} would.
     */
    protected abstract boolean decodeFast(byte[] data, int length, Queue<ChatStreamEvent> out);

    /** How many events the fast path read (for tests). */
    int fastEvents() {
        return fastEvents;
    }

    /**
     * Whether the parser read bytes after the event's object that are not whitespace. Jackson reads them as the
     * start of the next event; the fast path, which reads events on its own, would not, so it stays off.
     */
    private boolean holdsBytes() {
        long unread = input.delivered() - parser.currentLocation().getByteOffset();
        if (unread <= 0) {
            return false;
        }
        if (unread > input.position()) {
            return true;
        }
        for (int i = input.position() - (int) unread; i < input.position(); i++) {
            byte b = input.byteAt(i);
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return true;
            }
        }
        return false;
    }

    /** Jackson's message without its location in the stream (which counts every event the parser read). */
    private static String withoutLocation(IOException e) {
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return message == null ? e.toString() : LOCATION.matcher(message).replaceAll("");
    }

    /** The stream's explicit end ({@code [DONE]}): completes the reply if no finish reason came. */
    public final void finish(Queue<ChatStreamEvent> out) {
        start(null, null, out);
        complete(null, out);
    }

    /** Whether {@link ChatStreamEvent.Start} was emitted (fields only it needs can then be skipped). */
    protected final boolean started() {
        return started;
    }

    /** Whether the current string value equals {@code expected}, without making a String. */
    protected static boolean textEquals(JsonParser p, String expected) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return false;
        }
        int length = p.getTextLength();
        if (length != expected.length()) {
            return false;
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        for (int i = 0; i < length; i++) {
            if (chars[offset + i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the end-of-reply marker (native {@code complete}, OpenAI {@code finish_reason}) has been seen. */
    public final boolean completed() {
        return completed;
    }

    protected final void start(String id, String model, Queue<ChatStreamEvent> out) {
        if (!started) {
            started = true;
            out.add(new ChatStreamEvent.Start(id, model));
        }
    }

    protected final void complete(StopReason reason, Queue<ChatStreamEvent> out) {
        if (!completed) {
            completed = true;
            StopReason r = reason != null ? reason : sawToolCall ? StopReason.TOOL_CALLS : StopReason.STOP;
            out.add(new ChatStreamEvent.Complete(r));
        }
    }

    protected final void toolCall(int index, String id, String name, String arguments, Queue<ChatStreamEvent> out) {
        sawToolCall = true;
        out.add(new ChatStreamEvent.ToolCallDelta(index, id, name, arguments == null ? "" : arguments));
    }

    /**
     * Whether the value of a chunk's {@code error} member (the parser is on it) reports an error. Some servers send
     * {@code "error": null} in every chunk; that is no error.
     */
    protected static boolean isError(JsonParser p) {
        return p.currentToken() != JsonToken.VALUE_NULL;
    }

    /** An {@code error} member inside a chunk: the stream failed. */
    protected static StreamErrorException error(JsonParser p) throws IOException {
        JsonNode error = Json.MAPPER.readTree(p);
        String raw = "{\"error\":" + error + "}";
        return new StreamErrorException("the server reported an error in the stream: " + ErrorMessages.fromBody(raw), raw);
    }

    /** Reads {@code [{metric, value}, ...]} into a map (the parser is on START_ARRAY). */
    protected static Map<String, Double> readMetricsArray(JsonParser p) throws IOException {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return metrics;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String name = null;
            Double value = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("metric") && t == JsonToken.VALUE_STRING) {
                    name = p.getText();
                } else if (field.equals("value") && t.isNumeric()) {
                    value = p.getDoubleValue();
                } else {
                    p.skipChildren();
                }
            }
            if (name != null && value != null) {
                metrics.put(name, value);
            }
        }
        return metrics;
    }

    /** Reads an object of numeric fields, such as OpenAI's {@code usage} (the parser is on START_OBJECT). */
    protected static Map<String, Double> readNumericObject(JsonParser p) throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return values;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (t.isNumeric()) {
                values.put(field, p.getDoubleValue());
            } else {
                p.skipChildren();
            }
        }
        return values;
    }

    /** The text of a string value, or {@code null} for null and other tokens (which are skipped). */
    protected static String textOrNull(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static String snippet(byte[] data, int length) {
        String s = new String(data, 0, Math.min(length, 200), java.nio.charset.StandardCharsets.UTF_8);
        return length > 200 ? s + "..." : s;
    }
}
