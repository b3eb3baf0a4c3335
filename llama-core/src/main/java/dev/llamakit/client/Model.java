package dev.llamakit.client;

import java.util.Objects;

/** A model the server offers ({@code GET /models}). {@code created} is Unix seconds, 0 when unknown. */
public record Model(String id, String ownedBy, long created) {
    public Model {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ownedBy, "ownedBy");
    }
}
