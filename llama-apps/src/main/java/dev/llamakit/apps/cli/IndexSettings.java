package dev.llamakit.apps.cli;

import dev.llamakit.documents.IndexCommits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * How {@code llama rag index} built an on-disk index: the retriever, its embedder, the fusion (hybrid) and the
 * chunking. Kept in the index's own commits ({@link IndexCommits}), so that {@code llama rag ask --index DIR} needs
 * none of the flags again; they are written by the same atomic commits as the documents.
 *
 * @param retriever bm25, vector or hybrid
 * @param embedder  the embedder's name, or null without vectors
 * @param fusion    the fusion given to hybrid, or null for the retriever's default
 * @param chunking  how documents were cut into passages
 * @param folder    the absolute path of the folder last indexed, or null when not recorded (an index built before
 *                  folders were recorded); {@code rag ask --index} reads line numbers for its citations there
 */
record IndexSettings(String retriever, String embedder, String fusion, String chunking, String folder) {
    /** The keys under which the values are kept (the commit user data holds them as {@code app.cli.*}). */
    static final String RETRIEVER = "cli.retriever";
    static final String EMBEDDER = "cli.embedder";
    static final String FUSION = "cli.fusion";
    static final String CHUNKING = "cli.chunking";
    static final String FOLDER = "cli.folder";
    /** The Lucene retrievers keep {@link IndexCommits} values in the commit user data under this prefix. */
    private static final String COMMIT_PREFIX = "app.";

    IndexSettings {
        Objects.requireNonNull(retriever, "retriever");
        Objects.requireNonNull(chunking, "chunking");
    }

    /** The settings the options describe, for an index of {@code folder}. */
    static IndexSettings of(RetrieverOptions options, Path folder) {
        return new IndexSettings(options.name, options.dense() ? options.embedder : null, options.fusion,
                options.chunking(), folder.toAbsolutePath().normalize().toString());
    }

    /**
     * The folder the index was built from, when it still exists: the documents' paths are relative to it. Empty when
     * none was recorded, or when the folder was moved or removed since (citations then go without line numbers).
     */
    Optional<Path> existingFolder() {
        if (folder == null) {
            return Optional.empty();
        }
        try {
            Path path = Path.of(folder);
            return Files.isDirectory(path) ? Optional.of(path) : Optional.empty();
        } catch (RuntimeException e) { // a path this platform cannot name
            return Optional.empty();
        }
    }

    /** The values to commit ({@code null} removes a key). */
    Map<String, String> values() {
        Map<String, String> values = new HashMap<>();
        values.put(RETRIEVER, retriever);
        values.put(EMBEDDER, embedder);
        values.put(FUSION, fusion);
        values.put(CHUNKING, chunking);
        values.put(FOLDER, folder);
        return values;
    }

    /** Records these settings in {@code commits} unless it holds them already. */
    void record(IndexCommits commits) {
        Map<String, String> values = values();
        boolean same = values.entrySet().stream()
                .allMatch(e -> Objects.equals(commits.committedValue(e.getKey()), e.getValue()));
        if (!same) {
            commits.commit(values);
        }
    }

    /**
     * The settings recorded in the index at {@code dir}; empty when there is no index, when it was built before
     * settings were recorded, or when it cannot be read (opening it then says why).
     */
    static Optional<IndexSettings> read(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Directory directory = FSDirectory.open(dir)) {
            if (SegmentInfos.getLastCommitGeneration(directory) < 0) {
                return Optional.empty();
            }
            Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
            String retriever = data.get(COMMIT_PREFIX + RETRIEVER);
            if (retriever == null) {
                return Optional.empty();
            }
            String chunking = data.get(COMMIT_PREFIX + CHUNKING);
            return Optional.of(new IndexSettings(retriever, data.get(COMMIT_PREFIX + EMBEDDER),
                    data.get(COMMIT_PREFIX + FUSION), chunking == null ? RetrieverOptions.CHUNKING : chunking,
                    data.get(COMMIT_PREFIX + FOLDER)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code --retriever hybrid --embedder NAME --fusion rrf}: the flags the index was built with. */
    String flags() {
        return "--retriever " + retriever + (embedder == null ? "" : " --embedder " + embedder)
                + (fusion == null ? "" : " --fusion " + fusion);
    }
}
