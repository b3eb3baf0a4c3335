package dev.llamakit.local;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper of this module (schemas, template input, tool calls). */
final class LocalJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private LocalJson() {
    }
}
