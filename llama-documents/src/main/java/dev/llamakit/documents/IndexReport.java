package dev.llamakit.documents;

import dev.llamakit.documents.LoadReport.SkippedFile;
import dev.llamakit.documents.LoadReport.SkippedLine;
import java.util.List;

/**
 * What one {@link FolderIndexer#index()} run did. File counts: {@code added} (new files loaded), {@code updated}
 * (changed files re-loaded), {@code deleted} (files gone since the last run, their documents deleted),
 * {@code unchanged} (not re-read, or only hashed), {@code skipped} (could not be loaded: see {@code skippedFiles};
 * what was indexed from them before is kept). Document counts: {@code documentsUpserted}, {@code documentsDeleted}
 * (including documents that vanished from a changed jsonl file). {@code rebuilt} is true when the retriever held
 * fewer documents than the manifest records (a fresh in-memory retriever, a lost index) or an old manifest was taken
 * over, so every file was loaded again. {@code resumed} is true when the previous run was interrupted and this one
 * finished its work.
 */
public record IndexReport(int added, int updated, int deleted, int unchanged, int skipped, long documentsUpserted,
                          long documentsDeleted, boolean rebuilt, List<SkippedFile> skippedFiles,
                          List<SkippedLine> skippedLines, boolean resumed) {
    public IndexReport {
        skippedFiles = List.copyOf(skippedFiles);
        skippedLines = List.copyOf(skippedLines);
    }

    /** A report of a run that did not follow an interrupted one. */
    public IndexReport(int added, int updated, int deleted, int unchanged, int skipped, long documentsUpserted,
                       long documentsDeleted, boolean rebuilt, List<SkippedFile> skippedFiles,
                       List<SkippedLine> skippedLines) {
        this(added, updated, deleted, unchanged, skipped, documentsUpserted, documentsDeleted, rebuilt, skippedFiles,
                skippedLines, false);
    }

    /** Whether the run changed the index. */
    public boolean changed() {
        return documentsUpserted > 0 || documentsDeleted > 0;
    }

    @Override
    public String toString() {
        return "IndexReport[added " + added + ", updated " + updated + ", deleted " + deleted + ", unchanged " + unchanged
                + ", skipped " + skipped + " files; upserted " + documentsUpserted + ", deleted " + documentsDeleted
                + " documents" + (skippedLines.isEmpty() ? "" : "; skipped " + skippedLines.size() + " lines")
                + (rebuilt ? "; rebuilt" : "") + (resumed ? "; resumed" : "") + "]";
    }
}
