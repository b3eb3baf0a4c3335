package dev.llamakit.tools;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The code behind a {@link Tool}: receives the arguments the model produced and returns the result.
 *
 * <p>The result becomes the content of the {@code tool} message sent back to the model: a {@code String} as
 * is, a {@link JsonNode} as its JSON text, anything else (records, maps, lists, numbers, {@code null}) serialized
 * as JSON with Jackson. A thrown exception does not end the tool loop: the model receives
 * {@code {"error":"<ExceptionClass>: <message>"}} and may try again.
 */
@FunctionalInterface
public interface ToolHandler {

    /**
     * Runs the tool.
     *
     * @param arguments the call's arguments, always a JSON object ({@code {}} when the model sent none)
     * @return the result to send to the model
     * @throws Exception any failure, reported to the model as an error result
     */
    Object call(JsonNode arguments) throws Exception;
}
