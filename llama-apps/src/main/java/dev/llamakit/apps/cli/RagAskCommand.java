package dev.llamakit.apps.cli;

import dev.llamakit.apps.rag.RagAnswer;
import dev.llamakit.apps.rag.RagPipeline;
import dev.llamakit.apps.rag.Source;
import dev.llamakit.client.ChatModel;
import dev.llamakit.documents.FolderLoader;
import dev.llamakit.documents.LoadReport;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.rerank.Reranker;
import dev.llamakit.retrieval.rerank.Rerankers;
import dev.llamakit.spi.ProviderOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import dev.llamakit.retrieval.Document;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code llama rag ask QUESTION [--index PATH|NAME | --docs DIR] [--retriever NAME] [--top-k N] [--rerank mmr|llm]}. */
@Command(name = "ask", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = {"Answer a question from indexed documents, citing them as [1], [2], ...",
                "Offline: the best-supported sentences of the retrieved passages, with their citations."})
final class RagAskCommand extends AppCommand {
    @picocli.CommandLine.Mixin
    LocalModelOptions localModel;

    /** The retriever of {@code --docs} offline when {@code --retriever} is not given: BM25 and meaning, fused. */
    static final String OFFLINE_DOCS_RETRIEVER = "hybrid";

    /** The pipeline over {@code retriever}: offline answers picked by meaning with {@code embedder}, lines under {@code root}. */
    static RagPipeline.Builder pipeline(Retriever retriever, Embedder embedder, Path root, int topK) {
        RagPipeline.Builder b = RagPipeline.builder(retriever).topK(topK);
        if (embedder != null) {
            b.sentenceEmbedder(embedder);
        }
        if (root != null) {
            b.documentRoot(root);
        }
        return b;
    }

    @Parameters(arity = "1..*", paramLabel = "QUESTION", description = "The question (several words are joined).")
    List<String> question;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Corpus corpus;

    static final class Corpus {
        @Option(names = "--index", paramLabel = "PATH",
                description = "An index built by 'llama rag index' (default: " + RagCommand.DEFAULT_INDEX + "), or the "
                        + "index name with --retriever opensearch (default: " + RetrieverOptions.DEFAULT_OPENSEARCH_INDEX + ").")
        Path index;

        @Option(names = "--docs", paramLabel = "DIR", description = "Load this folder into memory and answer from it.")
        String docs;
    }

    @Mixin
    RetrieverOptions retrieval;

    @Option(names = {"-k", "--top-k"}, paramLabel = "N", defaultValue = "5",
            description = "Passages retrieved. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--rerank", paramLabel = "NAME",
            description = "Re-rank the candidates: mmr (diverse passages, on embeddings) or llm (the model orders them; online).")
    String rerank;

    @Option(names = "--candidates", paramLabel = "N",
            description = "Passages retrieved for --rerank to choose --top-k from. Default: 4 x --top-k.")
    Integer candidates;

    @Override
    int run() {
        CliContext ctx = ctx();
        String q = String.join(" ", question).strip();
        if (q.isEmpty()) {
            throw CliException.input("the question is empty");
        }
        if (topK < 1) {
            throw new CliException(ExitCodes.USAGE, "--top-k must be at least 1");
        }
        String docs = corpus == null ? null : corpus.docs;
        if (docs != null && common.offline(ctx) && !spec.commandLine().getParseResult().hasMatchedOption("--retriever")) {
            retrieval.name = OFFLINE_DOCS_RETRIEVER;
        }
        RetrieverChoice.requireKnown(retrieval.name);
        RagAnswer answer;
        int loaded = 0;
        List<LoadReport.SkippedFile> skipped = List.of();
        LoadReport report = null;
        if (docs != null) {
            Path root = Inputs.folder(docs, "documents to answer from");
            report = FolderLoader.builder(root).build().load();
            if (report.documents().isEmpty()) {
                throw CliException.input("no documents in " + docs + " (" + report.filesSkipped()
                        + " files skipped; readable: .txt .md .html .jsonl)");
            }
            loaded = report.filesLoaded();
            skipped = report.skipped();
            if (!skipped.isEmpty() && !common.json) {
                ctx.err().println("llama " + commandName() + ": " + SkippedFiles.summary(skipped));
            }
        }
        Path index = corpus != null && corpus.index != null ? corpus.index : null;
        if (docs != null && retrieval.opensearch()) {
            throw CliException.input("--docs loads a folder into memory; to answer from OpenSearch, index the folder "
                    + "with 'llama rag index DIR --retriever opensearch' and ask without --docs");
        }
        if (docs == null && retrieval.name.equals("keyword")) {
            throw CliException.input("keyword retrieval works in memory only: use --docs DIR");
        }
        Path documentRoot = docs != null ? Path.of(docs) : null;
        if (docs == null && !retrieval.opensearch()) {
            index = index != null ? index : Path.of(RagCommand.DEFAULT_INDEX);
            RetrieverChoice.requireIndex(index);
            Optional<IndexSettings> recorded = IndexSettings.read(index);
            if (recorded.isPresent()) {
                retrieval.useRecorded(recorded.get(), spec.commandLine().getParseResult(), index, false);
                // the indexed folder, while it is still there, gives the citations their line numbers
                documentRoot = recorded.get().existingFolder().orElse(null);
            }
        }
        String indexName = index != null ? index.toString() : RetrieverOptions.DEFAULT_OPENSEARCH_INDEX;
        boolean needsEmbedder = retrieval.dense() || "mmr".equals(rerank) || common.offline(ctx);
        // with a model, the answer is printed as it arrives, its markers renumbered as the whole answer's will be
        AtomicInteger sources = new AtomicInteger();
        StreamingModel streaming = common.offline(ctx) || common.json ? null
                : new StreamingModel(common.chatModel(ctx), ctx.out(), new StreamedCitations(sources::get));
        AtomicReference<ProgressRetriever> loading = new AtomicReference<>();
        try (Progress bar = Progress.on(ctx, common, "loading", "files", loaded);
             Embedder embedder = needsEmbedder ? EmbedderChoice.create(retrieval.embedder) : null;
             Retriever r = RetrieverChoice.create(retrieval, ctx, docs != null ? null : index, indexName,
                     retrieval.dense() ? embedder : null,
                     report != null && bar.visible() ? (done, total) -> loading.get().embedded(done, total) : null, false);
             Reranker chosen = reranker(ctx, embedder)) {
            if (report != null) {
                upsert(bar.visible() ? ProgressRetriever.files(r, bar) : r, report.documents(), loading);
            }
            bar.close();
            Reranker counted = (question, hits, k) -> {
                List<dev.llamakit.retrieval.RetrievedChunk> kept = chosen.rerank(question, hits, k);
                sources.set(kept.size());
                return kept;
            };
            RagPipeline.Builder b = pipeline(r, embedder, documentRoot, topK).reranker(counted);
            if (rerank != null) {
                b.candidates(candidates != null ? candidates : Math.min(10_000, topK * 4));
            }
            if (!common.offline(ctx)) {
                b.model(streaming != null ? streaming : common.chatModel(ctx), common.model);
            }
            answer = b.build().ask(q);
        }
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("question", q);
            json.put("answer", answer.answer());
            json.put("offline", answer.offline());
            json.put("model", answer.offline() ? null : common.model);
            json.put("cited", answer.cited());
            json.put("uncited", answer.uncited());
            json.put("invalidMarkers", answer.invalidMarkers());
            if (docs != null) {
                json.put("filesLoaded", loaded);
                json.put("filesSkipped", skipped);
            }
            printJson(json);
            return ExitCodes.OK;
        }
        PrintWriter out = ctx.out();
        if (streaming == null || !streaming.streamed()) {
            out.println(answer.answer().strip());
        }
        out.println();
        if (answer.cited().isEmpty()) {
            out.println("Sources: none cited.");
        } else {
            out.println("Sources:");
            answer.cited().forEach(s -> out.println(describe(s)));
        }
        if (!answer.uncited().isEmpty()) {
            out.println("Also retrieved (not cited):");
            answer.uncited().forEach(s -> out.println(describe(s)));
        }
        if (!answer.invalidMarkers().isEmpty()) {
            out.println("Note: the answer cites " + answer.invalidMarkers() + ", which match no source.");
        }
        if (answer.offline()) {
            out.println();
            out.println(OFFLINE_NOTE);
        }
        return ExitCodes.OK;
    }

    /** Upserts the loaded documents: in batches that move the progress bar when there is one, else at once. */
    private static void upsert(Retriever target, List<Document> documents, AtomicReference<ProgressRetriever> embedding) {
        if (target instanceof ProgressRetriever p) {
            embedding.set(p);
        }
        int batch = target instanceof ProgressRetriever ? 64 : Math.max(1, documents.size());
        for (int i = 0; i < documents.size(); i += batch) {
            target.upsert(documents.subList(i, Math.min(documents.size(), i + batch)));
        }
    }

    /** The reranker {@code --rerank} names (identity without it). */
    private Reranker reranker(CliContext ctx, Embedder mmrEmbedder) {
        if (candidates != null && (candidates < topK || candidates > 10_000)) {
            throw new CliException(ExitCodes.USAGE, "--candidates must be between --top-k (" + topK + ") and 10000");
        }
        if (rerank == null) {
            if (candidates != null) {
                throw new CliException(ExitCodes.USAGE, "--candidates needs --rerank");
            }
            return Reranker.identity();
        }
        switch (rerank) {
            case "mmr":
                return Rerankers.create("mmr", ProviderOptions.builder()
                        .service(Embedder.class, mmrEmbedder).build());
            case "llm":
                if (common.offline(ctx)) {
                    throw CliException.input("--rerank llm needs a model: set LLAMA_API_KEY or --api-key, or --base-url");
                }
                return Rerankers.create("llm", ProviderOptions.builder().put("model", common.model)
                        .service(ChatModel.class, common.chatModel(ctx)).build());
            default:
                throw CliException.input("unknown reranker '" + rerank + "'; available: "
                        + String.join(", ", new java.util.TreeSet<>(Rerankers.available())));
        }
    }

    /** {@code [1] path:line — Title} when the line is known, else {@code [1] Title — path (offsets 120–480)}. */
    static String describe(Source s) {
        if (s.line() > 0) {
            return "[" + s.number() + "] " + s.location() + " \u2014 " + s.title();
        }
        String where = s.path() != null && !s.path().isBlank() ? s.path() : s.documentId();
        return "[" + s.number() + "] " + s.title() + " \u2014 " + where + " (" + s.start() + "\u2013" + s.end() + ")";
    }
}
