package dev.llamakit.apps.cli;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.lucene.load.FolderIndexer;
import dev.llamakit.retrieval.lucene.load.FolderLoader;
import dev.llamakit.retrieval.lucene.load.IndexReport;
import dev.llamakit.retrieval.lucene.load.LoadReport.SkippedFile;
import dev.llamakit.retrieval.lucene.load.LoadReport.SkippedLine;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code llama rag index DIR [--index PATH]}: brings an on-disk bm25 index in step with a folder. */
@Command(name = "index", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = {"Index a folder (txt, Markdown, HTML, BEIR jsonl) into an on-disk bm25 index.",
                "Incremental: a second run reads only what changed (manifest beside the index)."})
final class RagIndexCommand extends AppCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder to index.")
    String dir;

    @Option(names = "--index", paramLabel = "PATH", defaultValue = RagCommand.DEFAULT_INDEX,
            description = "The index folder (created when missing). Default: ${DEFAULT-VALUE}.")
    Path index;

    @Override
    int run() {
        CliContext ctx = ctx();
        Path root = Inputs.folder(dir, "the folder to index");
        Path manifest = FolderIndexer.manifestBeside(index);
        FolderLoader loader = FolderLoader.builder(root).build();
        long startNanos = System.nanoTime();
        IndexReport report;
        try (Retriever bm25 = RetrieverChoice.onDisk(index, true)) {
            Retriever target = bm25;
            ProgressRetriever progress = null;
            if (ctx.terminal() && !common.json) {
                progress = new ProgressRetriever(bm25, ctx.err(), countCandidates(root), System::nanoTime);
                target = progress;
            }
            report = FolderIndexer.builder(target, loader).manifest(manifest)
                    .batchSize(progress != null ? 64 : FolderIndexer.DEFAULT_BATCH_SIZE).build().index();
            if (progress != null) {
                progress.finish();
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("folder", root.toString());
            json.put("index", index.toString());
            json.put("manifest", manifest.toString());
            json.put("added", report.added());
            json.put("updated", report.updated());
            json.put("deleted", report.deleted());
            json.put("unchanged", report.unchanged());
            json.put("skipped", report.skipped());
            json.put("documentsUpserted", report.documentsUpserted());
            json.put("documentsDeleted", report.documentsDeleted());
            json.put("rebuilt", report.rebuilt());
            json.put("skippedFiles", report.skippedFiles());
            json.put("skippedLines", report.skippedLines());
            json.put("seconds", Math.round(seconds * 1000) / 1000.0);
            printJson(json);
        } else {
            var out = ctx.out();
            out.printf(java.util.Locale.ROOT, "indexed %s into %s in %.1f s%n", root, index, seconds);
            out.printf("  files: %d added, %d updated, %d deleted, %d unchanged, %d skipped%n", report.added(),
                    report.updated(), report.deleted(), report.unchanged(), report.skipped());
            out.printf("  documents: %d upserted, %d deleted%s%n", report.documentsUpserted(), report.documentsDeleted(),
                    report.rebuilt() ? " (rebuilt: the index held fewer documents than the manifest)" : "");
            for (SkippedFile f : report.skippedFiles()) {
                out.println("  skipped " + f.path() + ": " + f.reason());
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
