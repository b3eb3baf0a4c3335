package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Chunk;
import java.io.IOException;
import java.util.Map;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.StoredFields;

/**
 * Reads a hit's chunk straight from its stored fields in one pass: no Lucene {@code Document}, no field objects, no
 * intermediate metadata map (the metadata goes into the chunk's immutable map directly). {@link #id} reads only the
 * chunk id and stops there (the id is the first stored field). One instance reads one document; not thread-safe.
 */
final class StoredChunk extends StoredFieldVisitor {
    private String id;
    private String documentId;
    private String title;
    private String text;
    private int index;
    private int start;
    private int end;
    private String[] metadata; // key, value, key, value, ...
    private int metadataLength;

    private StoredChunk() {
    }

    /** The chunk stored in Lucene document {@code doc}. */
    static Chunk read(StoredFields stored, int doc) throws IOException {
        StoredChunk visitor = new StoredChunk();
        stored.document(doc, visitor);
        return visitor.chunk();
    }

    /** Only the chunk id of Lucene document {@code doc}. */
    static String id(StoredFields stored, int doc) throws IOException {
        IdOnly visitor = new IdOnly();
        stored.document(doc, visitor);
        return visitor.id;
    }

    @Override
    public Status needsField(FieldInfo field) {
        return Status.YES; // every stored field is part of the chunk
    }

    @Override
    public void stringField(FieldInfo field, String value) {
        switch (field.name) {
            case ChunkStore.CHUNK_ID -> id = value;
            case ChunkStore.DOC_ID -> documentId = value;
            case ChunkStore.STORED_TITLE -> title = value;
            case ChunkStore.STORED_TEXT -> text = value;
            default -> {
                if (field.name.startsWith(ChunkStore.META_PREFIX)) {
                    addMetadata(field.name.substring(ChunkStore.META_PREFIX.length()), value);
                }
            }
        }
    }

    @Override
    public void intField(FieldInfo field, int value) {
        switch (field.name) {
            case ChunkStore.CHUNK_INDEX -> index = value;
            case ChunkStore.START -> start = value;
            case ChunkStore.END -> end = value;
            default -> {
            }
        }
    }

    private void addMetadata(String key, String value) {
        if (metadata == null) {
            metadata = new String[8];
        } else if (metadataLength == metadata.length) {
            metadata = java.util.Arrays.copyOf(metadata, metadataLength * 2);
        }
        metadata[metadataLength++] = key;
        metadata[metadataLength++] = value;
    }

    @SuppressWarnings("unchecked")
    private Chunk chunk() {
        Map<String, String> meta;
        if (metadataLength == 0) {
            meta = Map.of();
        } else if (metadataLength == 2) {
            meta = Map.of(metadata[0], metadata[1]);
        } else {
            Map.Entry<String, String>[] entries = new Map.Entry[metadataLength / 2];
            for (int i = 0; i < entries.length; i++) {
                entries[i] = Map.entry(metadata[2 * i], metadata[2 * i + 1]);
            }
            meta = Map.ofEntries(entries); // keys are distinct: they were written from a map
        }
        return new Chunk(id, documentId, index, title, text, start, end, meta); // Map.copyOf keeps this map as is
    }

    /** Reads the chunk id and stops. */
    private static final class IdOnly extends StoredFieldVisitor {
        private String id;

        @Override
        public Status needsField(FieldInfo field) {
            if (id != null) {
                return Status.STOP;
            }
            return field.name.equals(ChunkStore.CHUNK_ID) ? Status.YES : Status.NO;
        }

        @Override
        public void stringField(FieldInfo field, String value) {
            id = value;
        }
    }
}
