package dev.llamakit.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a model's text as a record: strips one {@code ```json} fence, parses strictly, checks the value against
 * the record's schema, then binds it. Internal.
 */
final class ReplyParser {
    /** The whole (trimmed) text is one fenced block, with an optional {@code json} tag. */
    private static final Pattern FENCE = Pattern.compile("```(?:json)?[ \\t]*\\R(.*?)\\R?[ \\t]*```",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final int SHOWN_PROBLEMS = 5;

    private ReplyParser() {
    }

    static <T> T parse(String text, Class<T> type) {
        JsonNode schema = JsonSchemas.tree(type);
        JsonNode tree = readTree(text);
        List<String> problems = SchemaValidator.validate(tree, schema);
        if (!problems.isEmpty()) {
            throw new StructuredOutputException("the reply does not match " + type.getSimpleName() + ": "
                    + summary(problems), text, null);
        }
        try {
            return StrictJson.MAPPER.treeToValue(tree, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StructuredOutputException("the reply does not match " + type.getSimpleName() + ": "
                    + path(e) + ": cannot create " + e.getType().getRawClass().getSimpleName() + ": "
                    + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), text, e);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String detail = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
            throw new StructuredOutputException("the reply does not match " + type.getSimpleName() + ": "
                    + path(e) + ": " + firstLine(detail), text, e);
        }
    }

    private static JsonNode readTree(String text) {
        String json = unfenced(text);
        if (json.isBlank()) {
            throw new StructuredOutputException("the reply is empty; expected a JSON object", text, null);
        }
        try {
            return StrictJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String hint = json.contains("```")
                    ? " (only bare JSON or a single ```json fenced block, without text around it, is accepted)" : "";
            throw new StructuredOutputException("the reply is not valid JSON: " + StrictJson.describe(e) + hint, text, e);
        }
    }

    /** The text inside a ```json fence when the whole text is one, else the text itself. */
    private static String unfenced(String text) {
        String trimmed = text.strip();
        Matcher fence = FENCE.matcher(trimmed);
        return fence.matches() ? fence.group(1) : trimmed;
    }

    private static String path(Exception e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return "$";
        }
        String path = "$";
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                path = SchemaValidator.child(path, reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path = path + "[" + reference.getIndex() + "]";
            }
        }
        return path;
    }

    private static String summary(List<String> problems) {
        String shown = String.join("; ", problems.subList(0, Math.min(SHOWN_PROBLEMS, problems.size())));
        return problems.size() <= SHOWN_PROBLEMS ? shown : shown + "; and " + (problems.size() - SHOWN_PROBLEMS) + " more";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
