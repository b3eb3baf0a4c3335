package dev.llamakit.retrieval;

import java.util.List;

/** Splits a document into chunks. Implementations are thread-safe and deterministic. */
public interface Chunker {

    /** The chunks of a document, in order, numbered from 0, with offsets into the document's text. */
    List<Chunk> chunk(Document document);

    /** Keeps each document whole as one chunk. */
    static Chunker none() {
        return document -> List.of(Chunk.whole(document));
    }
}
