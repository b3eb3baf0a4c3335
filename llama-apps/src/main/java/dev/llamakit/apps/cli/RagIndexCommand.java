package dev.llamakit.apps.cli;

import dev.llamakit.documents.FolderIndexer;
import dev.llamakit.documents.FolderLoader;
import dev.llamakit.documents.IndexCommits;
import dev.llamakit.documents.IndexReport;
import dev.llamakit.documents.LoadReport.SkippedLine;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import java.util.concurrent.atomic.AtomicReference;
import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.lucene.IndexCheck;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code llama rag index DIR [--index PATH|NAME] [--retriever bm25|vector|hybrid|opensearch]}: brings an index in
 * step with a folder: an on-disk Lucene index (bm25; with vectors for vector and hybrid) or an OpenSearch index.
 */
@Command(name = "index", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = {"Index a folder (txt, Markdown, HTML, BEIR jsonl) into an on-disk index (bm25; vectors too for "
                + "vector and hybrid) or into OpenSearch.",
                "Incremental: a second run reads only what changed. The record of what was indexed is kept in the "
                        + "index's own commits, written every few seconds: an interrupted run keeps its work and the "
                        + "next run resumes."})
final class RagIndexCommand extends AppCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder to index.")
    String dir;

    @Option(names = "--index", paramLabel = "PATH",
            description = "The index folder (created when missing; default: " + RagCommand.DEFAULT_INDEX + "), or the index "
                    + "name with --retriever opensearch (default: " + RetrieverOptions.DEFAULT_OPENSEARCH_INDEX + ").")
    Path index;

    @Option(names = "--manifest", paramLabel = "FILE",
            description = "What was indexed, for incremental runs: for opensearch (default "
                    + ".llama-opensearch-NAME.manifest.json). An on-disk index keeps it inside; a file given here (or "
                    + "the old INDEX.manifest.json beside it) is taken over once and removed.")
    Path manifestFile;

    @Option(names = "--verify",
            description = "Check every index file against its checksum first, and hash every source file instead of "
                    + "trusting unchanged sizes and times.")
    boolean verify;

    @Option(names = "--checkpoint-seconds", paramLabel = "S", defaultValue = "5",
            description = "Commit the work done at least this often (default: ${DEFAULT-VALUE}); an interrupted run "
                    + "loses at most this much.")
    double checkpointSeconds;

    @Mixin
    RetrieverOptions retrieval;

    @Override
    int run() {
        CliContext ctx = ctx();
        Path root = Inputs.folder(dir, "the folder to index");
        if (retrieval.name.equals("keyword")) {
            throw CliException.input("keyword retrieval has no index: it works in memory ('llama rag ask --docs DIR')");
        }
        RetrieverChoice.requireKnown(retrieval.name);
        String indexName = index != null ? index.toString() : RetrieverOptions.DEFAULT_OPENSEARCH_INDEX;
        Path indexDir = retrieval.opensearch() ? null : (index != null ? index : Path.of(RagCommand.DEFAULT_INDEX));
        // an on-disk index keeps its manifest in its commits; a file here is an old one to take over
        Path manifest = manifestFile != null ? manifestFile
                : indexDir != null ? FolderIndexer.manifestBeside(indexDir)
                : Path.of(".llama-opensearch-" + indexName.replaceAll("[^A-Za-z0-9._-]", "_") + ".manifest.json");
        if (indexDir != null) { // an index remembers how it was built: its flags need not be repeated
            IndexSettings.read(indexDir).ifPresent(recorded ->
                    retrieval.useRecorded(recorded, spec.commandLine().getParseResult(), indexDir, true));
        }
        String where = indexDir != null ? indexDir.toString() : "opensearch index " + indexName;
        if (!(checkpointSeconds >= 0) || Double.isInfinite(checkpointSeconds)) {
            throw new CliException(ExitCodes.USAGE, "--checkpoint-seconds must be 0 or more, got " + checkpointSeconds);
        }
        IndexCheck.Result verified = null;
        if (verify && indexDir != null && hasIndex(indexDir)) {
            verified = IndexCheck.verify(indexDir);
        }
        FolderLoader loader = FolderLoader.builder(root).build();
        long startNanos = System.nanoTime();
        IndexReport report;
        AtomicReference<ProgressRetriever> progressLine = new AtomicReference<>();
        EmbeddingProgress embedding = (done, total) -> {
            ProgressRetriever p = progressLine.get();
            if (p != null) {
                p.embedded(done, total);
            }
        };
        try (Progress bar = Progress.on(ctx, common, "indexing", "files", 0);
             Embedder embedder = RetrieverChoice.embedderFor(retrieval);
             Retriever retriever = RetrieverChoice.create(retrieval, ctx, indexDir, indexName, embedder,
                     bar.visible() ? embedding : null, false)) {
            Retriever target = retriever;
            if (bar.visible()) {
                bar.total(countCandidates(root));
                ProgressRetriever progress = ProgressRetriever.files(retriever, bar);
                progressLine.set(progress);
                target = progress;
            }
            FolderIndexer.Builder indexer = FolderIndexer.builder(target, loader).manifest(manifest)
                    .verifyContent(verify)
                    .checkpointEvery(Duration.ofMillis(Math.round(checkpointSeconds * 1000)))
                    .batchSize(bar.visible() ? 64 : FolderIndexer.DEFAULT_BATCH_SIZE);
            if (retriever instanceof IndexCommits commits) {
                if (indexDir != null && commits.durable()) {
                    IndexSettings.of(retrieval, root).record(commits);
                }
                indexer.commits(commits);
            }
            report = indexer.build().index();
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("folder", root.toString());
            json.put("index", indexDir != null ? indexDir.toString() : indexName);
            json.put("retriever", retrieval.name);
            json.put("manifest", indexDir != null ? indexDir.toString() : manifest.toString());
            json.put("added", report.added());
            json.put("updated", report.updated());
            json.put("deleted", report.deleted());
            json.put("unchanged", report.unchanged());
            json.put("skipped", report.skipped());
            json.put("documentsUpserted", report.documentsUpserted());
            json.put("documentsDeleted", report.documentsDeleted());
            json.put("rebuilt", report.rebuilt());
            json.put("resumed", report.resumed());
            if (verified != null) {
                json.put("verifiedFiles", verified.files());
                json.put("verifiedBytes", verified.bytes());
            }
            json.put("skippedFiles", report.skippedFiles());
            json.put("skippedLines", report.skippedLines());
            json.put("seconds", Math.round(seconds * 1000) / 1000.0);
            printJson(json);
        } else {
            var out = ctx.out();
            if (verified != null) {
                out.printf(java.util.Locale.ROOT, "verified %s: %d index files, %.1f MB, every checksum matches%n",
                        indexDir, verified.files(), verified.bytes() / 1e6);
            }
            out.printf(java.util.Locale.ROOT, "indexed %s into %s (%s) in %.1f s%n", root, where, retrieval.name, seconds);
            if (report.resumed()) {
                out.println("  resumed the interrupted previous run");
            }
            out.printf("  files: %d added, %d updated, %d deleted, %d unchanged, %d skipped%n", report.added(),
                    report.updated(), report.deleted(), report.unchanged(), report.skipped());
            out.printf("  documents: %d upserted, %d deleted%s%n", report.documentsUpserted(), report.documentsDeleted(),
                    report.rebuilt() ? " (rebuilt: every file was read again)" : "");
            if (!report.skippedFiles().isEmpty()) {
                out.println("  " + SkippedFiles.summary(report.skippedFiles()));
            }
            List<SkippedLine> lines = report.skippedLines();
            for (SkippedLine l : lines.subList(0, Math.min(lines.size(), 20))) {
                out.println("  skipped " + l.path() + " line " + l.line() + ": " + l.reason());
            }
            if (lines.size() > 20) {
                out.println("  ... and " + (lines.size() - 20) + " more skipped lines");
            }
        }
        return ExitCodes.OK;
    }

    /** Whether {@code dir} holds a Lucene commit (a folder about to be created does not). */
    private static boolean hasIndex(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith("segments_"));
        } catch (IOException e) {
            return false;
        }
    }

    /** How many files the loader will look at (for the progress line's ETA only). */
    private static long countCandidates(Path root) {
        PathMatcher include = FileSystems.getDefault().getPathMatcher("glob:" + FolderLoader.DEFAULT_INCLUDE);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(root::relativize)
                    .filter(p -> include.matches(p) || include.matches(Path.of("x").resolve(p)))
                    .filter(p -> !p.toString().startsWith(".") && !p.toString().contains("/."))
                    .count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
