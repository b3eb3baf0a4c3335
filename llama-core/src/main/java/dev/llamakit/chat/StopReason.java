package dev.llamakit.chat;

import java.util.Locale;

/** Why the model stopped generating. */
public enum StopReason {
    /** A natural end of the reply ({@code stop}). */
    STOP("stop"),
    /** The model asks for tool calls ({@code tool_calls}). */
    TOOL_CALLS("tool_calls"),
    /** The token limit was reached ({@code length}). */
    LENGTH("length"),
    /** The server filtered the content (OpenAI {@code content_filter}). */
    CONTENT_FILTER("content_filter"),
    /** A value this library does not know; the raw value stays in the response JSON. */
    OTHER("other");

    private final String wireName;

    StopReason(String wireName) {
        this.wireName = wireName;
    }

    /** The value as written on the wire. */
    public String wireName() {
        return wireName;
    }

    /** Maps a wire value ({@code stop}, {@code tool_calls}, {@code length}, ...) to a stop reason. */
    public static StopReason fromWire(String value) {
        if (value == null) {
            return OTHER;
        }
        switch (value.toLowerCase(Locale.ROOT)) {
            case "stop":
            case "end_of_turn":
            case "end_of_message":
                return STOP;
            case "tool_calls":
            case "function_call":
                return TOOL_CALLS;
            case "length":
            case "out_of_tokens":
                return LENGTH;
            case "content_filter":
                return CONTENT_FILTER;
            default:
                return OTHER;
        }
    }
}
