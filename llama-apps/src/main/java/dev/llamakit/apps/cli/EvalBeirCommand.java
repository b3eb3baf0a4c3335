package dev.llamakit.apps.cli;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.eval.BeirDataset;
import dev.llamakit.retrieval.eval.EvaluationReport;
import dev.llamakit.retrieval.eval.Qrels;
import java.util.concurrent.atomic.AtomicReference;
import dev.llamakit.retrieval.eval.RetrievalEvaluator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.EmbeddingProgress;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code llama eval beir DIR [--retriever NAME] [--embedder NAME] [--fusion rrf|minmax]}: nDCG@10, Recall@100 and
 * MRR@10 on a BEIR collection.
 */
@Command(name = "beir", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = {"Score a retriever on a BEIR folder (corpus.jsonl[.gz], queries.jsonl, qrels):",
                "nDCG@10, Recall@100 and MRR@10, with trec_eval's semantics."})
final class EvalBeirCommand extends AppCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "The BEIR collection's folder.")
    String dir;

    @Mixin
    RetrieverOptions retrieval;

    @Option(names = "--index", paramLabel = "NAME",
            description = "With --retriever opensearch: the index to create and fill (default: beir-<folder name>). "
                    + "An existing index must have a compatible mapping.")
    String indexName;

    @Option(names = "--split", paramLabel = "NAME", defaultValue = "test", description = "The qrels split. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Queries in parallel. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--run", paramLabel = "FILE", description = "Also write the TREC run file.")
    Path run;

    @Override
    int run() {
        CliContext ctx = ctx();
        Path folder = Inputs.folder(dir, "a BEIR collection");
        String retriever = retrieval.name;
        RetrieverChoice.requireKnown(retriever);
        if (threads < 1) {
            throw new CliException(ExitCodes.USAGE, "--threads must be at least 1");
        }
        BeirDataset dataset = BeirDataset.open(folder, split);
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder().threads(threads).build();
        long start = System.nanoTime();
        EvaluationReport report;
        long documents;
        String name = indexName != null ? indexName
                : "beir-" + folder.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        try (Progress indexing = Progress.on(ctx, common, "indexing", "documents", 0);
             Progress searching = Progress.on(ctx, common, "searching", "queries", 0)) {
            AtomicReference<ProgressRetriever> embedding = new AtomicReference<>();
            EmbeddingProgress embedded = (done, total) -> embedding.get().embedded(done, total);
            try (Embedder embedder = RetrieverChoice.embedderFor(retrieval);
                 Retriever r = RetrieverChoice.create(retrieval, ctx, null, name, embedder,
                         indexing.visible() ? embedded : null, true)) {
                embedding.set(ProgressRetriever.documents(r, indexing));
                documents = evaluator.index(dataset, embedding.get());
                indexing.close();
                Qrels qrels = dataset.qrels();
                Map<String, String> queries = dataset.queries(qrels.queryIdsWithRelevant());
                searching.total(qrels.queryIdsWithRelevant().size());
                report = evaluator.evaluate(ProgressRetriever.queries(r, searching), queries, qrels);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (run != null) {
            report.writeTrecRun(run, retriever);
        }
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("dataset", folder.toString());
            json.put("split", split);
            json.put("retriever", retriever);
            json.put("embedder", retrieval.dense() ? retrieval.embedder : null);
            json.put("documents", documents);
            json.put("queries", report.queries());
            json.put("ndcgAt10", EvaluationReport.round4(report.ndcgAt10()));
            json.put("recallAt100", EvaluationReport.round4(report.recallAt100()));
            json.put("mrrAt10", EvaluationReport.round4(report.mrrAt10()));
            json.put("recallAt1000", EvaluationReport.round4(report.recallAt1000()));
            json.put("seconds", Math.round(seconds * 1000) / 1000.0);
            printJson(json);
        } else {
            String label = retrieval.dense() ? retriever + " (" + retrieval.embedder + ")" : retriever;
            ctx.out().printf(Locale.ROOT, "%s on %s (%d documents, %d queries, %.1f s)%n", label, folder, documents,
                    report.queries(), seconds);
            ctx.out().printf(Locale.ROOT, "nDCG@10     %.4f%nRecall@100  %.4f%nMRR@10      %.4f%n", report.ndcgAt10(),
                    report.recallAt100(), report.mrrAt10());
        }
        return ExitCodes.OK;
    }
}
