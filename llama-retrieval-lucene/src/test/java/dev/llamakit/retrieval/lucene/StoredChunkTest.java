package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.chunk.SentenceChunker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.util.Bits;

/**
 * {@link StoredChunk} reads exactly the chunk that the former path built from a whole Lucene {@code Document}
 * ({@link #viaDocument}, kept here as the reference): every field of every chunk equal, on random documents with
 * random metadata, with and without chunking, in both field layouts.
 */
class StoredChunkTest {

    @Property(tries = 60)
    void readsEveryFieldAsTheDocumentPathDid(@ForAll("documents") List<Document> documents,
                                             @ForAll boolean chunked, @ForAll boolean multifield) {
        Bm25Retriever.Builder b = Bm25Retriever.builder().highlights(false)
                .fields(multifield ? Bm25Retriever.FieldLayout.MULTIFIELD : Bm25Retriever.FieldLayout.FLAT);
        if (chunked) {
            b.chunker(SentenceChunker.of(16, 4));
        }
        try (Bm25Retriever retriever = b.build()) {
            retriever.upsert(documents);
            int checked = retriever.store.read(searcher -> {
                int n = 0;
                for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                    Bits live = leaf.reader().getLiveDocs();
                    StoredFields stored = leaf.reader().storedFields();
                    for (int d = 0; d < leaf.reader().maxDoc(); d++) {
                        if (live != null && !live.get(d)) {
                            continue;
                        }
                        Chunk expected = viaDocument(stored.document(d));
                        Chunk actual = StoredChunk.read(stored, d);
                        assertThat(actual).isEqualTo(expected);
                        assertThat(actual.metadata()).containsExactlyInAnyOrderEntriesOf(expected.metadata());
                        assertThat(StoredChunk.id(stored, d)).isEqualTo(expected.id());
                        n++;
                    }
                }
                return n;
            });
            assertThat(checked).isGreaterThanOrEqualTo(documents.size());
        }
    }

    /** The former {@code ChunkStore.toChunk(Document)}: every stored field loaded into a {@code Document} first. */
    static Chunk viaDocument(org.apache.lucene.document.Document doc) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (IndexableField f : doc) {
            if (f.name().startsWith(ChunkStore.META_PREFIX)) {
                metadata.put(f.name().substring(ChunkStore.META_PREFIX.length()), f.stringValue());
            }
        }
        return new Chunk(doc.get(ChunkStore.CHUNK_ID), doc.get(ChunkStore.DOC_ID),
                doc.getField(ChunkStore.CHUNK_INDEX).numericValue().intValue(), doc.get(ChunkStore.STORED_TITLE),
                doc.get(ChunkStore.STORED_TEXT), doc.getField(ChunkStore.START).numericValue().intValue(),
                doc.getField(ChunkStore.END).numericValue().intValue(), metadata);
    }

    @Provide
    Arbitrary<List<Document>> documents() {
        Arbitrary<String> words = Arbitraries.strings().withChars("abcdefgh éßΩ日本\uD83D\uDE00.,!?\n\t\"\\")
                .ofMinLength(0).ofMaxLength(120);
        Arbitrary<String> keys = Arbitraries.strings().withChars("abcxyz._-ü").ofMinLength(1).ofMaxLength(6);
        Arbitrary<String> values = Arbitraries.strings().all().ofMaxLength(12);
        Arbitrary<Map<String, String>> metadata = Arbitraries.maps(keys, values).ofMaxSize(6);
        Arbitrary<Document> document = Combinators.combine(Arbitraries.integers().between(0, 10_000), words,
                        words, metadata)
                .as((n, title, text, meta) -> Document.builder("doc-" + n).title(title.isBlank() ? "t" : title)
                        .text(text).metadata(meta).build());
        return document.list().ofMinSize(1).ofMaxSize(12).uniqueElements(Document::id).map(ArrayList::new);
    }
}
