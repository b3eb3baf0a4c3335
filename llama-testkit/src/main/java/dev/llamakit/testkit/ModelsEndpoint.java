package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * {@code GET {prefix}/models} ({@code {"object":"list","data":[…]}}) and
 * {@code GET {prefix}/models/{id}} (the bare model, 404 if unknown); the same shape in both dialects.
 */
final class ModelsEndpoint {

    /** The {@code created} time reported for every model (2025-04-05, the Llama 4 release). */
    static final long CREATED = 1743811200L;

    private ModelsEndpoint() {
    }

    static void list(ApiExchange exchange) throws IOException {
        ObjectNode root = Json.object();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : exchange.settings().models()) {
            data.add(model(id));
        }
        exchange.sendJson(200, root);
    }

    static void retrieve(ApiExchange exchange, String id) throws IOException {
        if (!exchange.settings().models().contains(id)) {
            throw ApiError.notFound("model_not_found", "The model '" + id + "' does not exist; available models: "
                    + exchange.settings().models());
        }
        exchange.sendJson(200, model(id));
    }

    private static ObjectNode model(String id) {
        ObjectNode model = Json.object();
        model.put("id", id);
        model.put("object", "model");
        model.put("created", CREATED);
        model.put("owned_by", "Meta");
        return model;
    }
}
