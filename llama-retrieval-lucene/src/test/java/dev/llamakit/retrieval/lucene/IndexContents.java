package dev.llamakit.retrieval.lucene;

import dev.llamakit.documents.FolderLoader;
import dev.llamakit.retrieval.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * What an index holds, read straight from its last Lucene commit (not through a retriever): document id → SHA-256 of
 * its title and the text of its chunks in order; and the same for a folder, from {@link FolderLoader#load()} (the
 * independent reference: no indexer, no manifest).
 */
final class IndexContents {
    private IndexContents() {
    }

    /** The documents of the last commit in {@code dir}. */
    static Map<String, String> of(Directory dir) {
        Map<String, TreeMap<Integer, String[]>> chunks = new TreeMap<>();
        try (DirectoryReader reader = DirectoryReader.open(dir)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                StoredFields stored = leaf.reader().storedFields();
                for (int d = 0; d < leaf.reader().maxDoc(); d++) {
                    if (live != null && !live.get(d)) {
                        continue;
                    }
                    var doc = stored.document(d);
                    String id = doc.get(ChunkStore.DOC_ID);
                    int index = doc.getField(ChunkStore.CHUNK_INDEX).numericValue().intValue();
                    String[] previous = chunks.computeIfAbsent(id, k -> new TreeMap<>()).put(index,
                            new String[] {doc.get(ChunkStore.STORED_TITLE), doc.get(ChunkStore.STORED_TEXT)});
                    if (previous != null) {
                        throw new AssertionError("document '" + id + "' has chunk " + index + " twice");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new TreeMap<>();
        chunks.forEach((id, parts) -> {
            StringBuilder text = new StringBuilder();
            parts.values().forEach(p -> text.append(p[1]));
            out.put(id, hash(parts.firstEntry().getValue()[0], text.toString()));
        });
        return out;
    }

    /** The documents of the last commit in the index folder {@code dir}. */
    static Map<String, String> of(Path dir) {
        try (Directory d = FSDirectory.open(dir)) {
            return of(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a clean build of {@code folder} holds (one chunk per document). */
    static Map<String, String> expected(Path folder) {
        Map<String, String> out = new TreeMap<>();
        List<Document> docs = FolderLoader.of(folder).load().documents();
        for (Document d : docs) {
            out.put(d.id(), hash(d.title(), d.text()));
        }
        return out;
    }

    static String hash(String title, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(title.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
