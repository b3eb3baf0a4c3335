package dev.llamakit.documents;

import dev.llamakit.retrieval.Document;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link FolderLoader} found: the files it loaded (with their documents), the files it skipped and why, and
 * the lines of {@code .jsonl} files it skipped and why. Skipping is never fatal: it is reported here and logged as
 * a warning.
 */
public record LoadReport(List<LoadedFile> loaded, List<SkippedFile> skipped, List<SkippedLine> skippedLines) {
    public LoadReport {
        loaded = List.copyOf(loaded);
        skipped = List.copyOf(skipped);
        skippedLines = List.copyOf(skippedLines);
    }

    /** Every document loaded, in file order (paths sorted), then line order. */
    public List<Document> documents() {
        List<Document> all = new ArrayList<>();
        for (LoadedFile f : loaded) {
            all.addAll(f.documents());
        }
        return all;
    }

    public int filesLoaded() {
        return loaded.size();
    }

    public int filesSkipped() {
        return skipped.size();
    }

    @Override
    public String toString() {
        return "LoadReport[loaded " + loaded.size() + " files (" + loaded.stream().mapToInt(f -> f.documents().size()).sum()
                + " documents), skipped " + skipped.size() + " files and " + skippedLines.size() + " lines]";
    }

    /**
     * A file that was loaded.
     *
     * @param path        its path relative to the root, with {@code /} separators (the document id for one-document
     *                    files)
     * @param file        the file
     * @param size        its size in bytes, as seen when it was selected (before it was read)
     * @param modified    its last-modified time, as seen when it was selected
     * @param contentHash the SHA-256 of its bytes (as stored: a {@code .jsonl.gz} is hashed compressed), lower-case hex
     * @param documents   the documents it gave (one, or one per valid line of a {@code .jsonl})
     */
    public record LoadedFile(String path, Path file, long size, Instant modified, String contentHash,
                             List<Document> documents) {
        public LoadedFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(modified, "modified");
            Objects.requireNonNull(contentHash, "contentHash");
            documents = List.copyOf(documents);
        }
    }

    /** A file (or directory that could not be listed, ending in {@code /}) that was skipped, and why. */
    public record SkippedFile(String path, String reason) {
        public SkippedFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A line of a {@code .jsonl} file that was skipped (counting from 1), and why. */
    public record SkippedLine(String path, long line, String reason) {
        public SkippedLine {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
