package dev.llamakit.apps.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.apps.rag.RagAnswer;
import dev.llamakit.apps.rag.RagPipeline;
import dev.llamakit.apps.rag.Source;
import dev.llamakit.documents.FolderLoader;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Retriever;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the offline answerer on a question set ({@code questions/*.json}: questions about a folder of documents
 * as users ask them, each with its key facts and the files that hold them, plus questions the documents do not
 * answer), through the path {@code llama rag ask --docs DIR QUESTION} takes offline: the folder loaded, the retriever
 * the command picks offline, the pipeline without a model. Each answer is <em>right</em> (it holds a phrase of every
 * fact group and cites a file that holds the answer), <em>abstained</em>, or <em>wrong</em> (anything else).
 */
final class AnswerQuality {
    enum Verdict { RIGHT, WRONG, ABSTAINED }

    record Outcome(String question, Verdict verdict, String answer, String cited) {
    }

    /** The outcomes of one set: answerable and unanswerable questions, and the printable table. */
    record Report(List<Outcome> answerable, List<Outcome> unanswerable) {
        long right() {
            return count(answerable, Verdict.RIGHT);
        }

        long wrong() {
            return count(answerable, Verdict.WRONG);
        }

        long abstained() {
            return count(answerable, Verdict.ABSTAINED);
        }

        /** Unanswerable questions answered anyway. */
        long answeredUnanswerable() {
            return count(unanswerable, Verdict.WRONG);
        }

        String summary() {
            int n = answerable.size();
            return String.format(Locale.ROOT, "answerable %d: right %d (%.0f%%), wrong %d (%.0f%%), abstained %d (%.0f%%);"
                            + " unanswerable %d: abstained %d, answered %d", n, right(), 100.0 * right() / n, wrong(),
                    100.0 * wrong() / n, abstained(), 100.0 * abstained() / n, unanswerable.size(),
                    unanswerable.size() - answeredUnanswerable(), answeredUnanswerable());
        }

        String table() {
            StringBuilder table = new StringBuilder("\n| verdict | question | cited | answer |\n|---|---|---|---|\n");
            List<Outcome> all = new ArrayList<>(answerable);
            all.addAll(unanswerable);
            for (Outcome o : all) {
                table.append("| ").append(o.verdict()).append(" | ").append(o.question()).append(" | ").append(o.cited())
                        .append(" | ").append(o.answer().replace("\n", " ").replace("|", "\\|")).append(" |\n");
            }
            return table.append('\n').append(summary()).append('\n').toString();
        }
    }

    private final Embedder embedder;
    private final Retriever retriever;
    private final RagPipeline pipeline;

    private AnswerQuality(Path docs, List<String> excludes) {
        RetrieverOptions options = new RetrieverOptions();
        options.name = RagAskCommand.OFFLINE_DOCS_RETRIEVER;
        options.embedder = EmbedderChoice.DEFAULT;
        options.mode = "bm25";
        embedder = RetrieverChoice.embedderFor(options);
        CliContext ctx = CliContext.of(new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), Map.of(), Path.of("."));
        retriever = RetrieverChoice.create(options, ctx, null, null, embedder, null, false);
        FolderLoader.Builder loader = FolderLoader.builder(docs);
        excludes.forEach(loader::exclude);
        retriever.upsert(loader.build().load().documents());
        pipeline = RagAskCommand.pipeline(retriever, embedder, docs, RagPipeline.DEFAULT_TOP_K).build();
    }

    /** Loads {@code docs} (without the files matching {@code excludes}) and answers every question of {@code set}. */
    static Report measure(Path docs, String set, String... excludes) {
        AnswerQuality q = new AnswerQuality(docs, List.of(excludes));
        try (InputStream in = AnswerQuality.class.getResourceAsStream(set)) {
            JsonNode questions = new ObjectMapper().readTree(in);
            List<Outcome> answerable = new ArrayList<>();
            for (JsonNode item : questions.get("answerable")) {
                answerable.add(q.judge(item.get("question").asText(), item.get("facts"), item.get("files")));
            }
            List<Outcome> unanswerable = new ArrayList<>();
            for (JsonNode item : questions.get("unanswerable")) {
                unanswerable.add(q.judge(item.asText(), null, null));
            }
            return new Report(answerable, unanswerable);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            q.retriever.close();
            q.embedder.close();
        }
    }

    private Outcome judge(String question, JsonNode facts, JsonNode files) {
        RagAnswer a = pipeline.ask(question);
        String cited = String.join(", ", a.cited().stream().map(AnswerQuality::where).toList());
        if (a.cited().isEmpty()) {
            return new Outcome(question, Verdict.ABSTAINED, a.answer(), "");
        }
        if (facts == null) {
            return new Outcome(question, Verdict.WRONG, a.answer(), cited);
        }
        String text = plain(a.answer());
        boolean hasFacts = true;
        for (JsonNode group : facts) {
            boolean any = false;
            for (JsonNode alt : group) {
                any |= text.contains(plain(alt.asText()));
            }
            hasFacts &= any;
        }
        boolean rightFile = false;
        for (Source s : a.cited()) {
            for (JsonNode f : files) {
                rightFile |= where(s).contains(f.asText());
            }
        }
        return new Outcome(question, hasFacts && rightFile ? Verdict.RIGHT : Verdict.WRONG, a.answer(), cited);
    }

    private static String where(Source s) {
        return s.path() != null ? s.path() : s.documentId();
    }

    /** Lower case, without the quotes and backticks Markdown rendering adds or removes, single-spaced. */
    static String plain(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[`\"'\u201c\u201d\u2018\u2019\u00ab\u00bb*]", "")
                .replaceAll("\\s+", " ");
    }

    private static long count(List<Outcome> outcomes, Verdict v) {
        return outcomes.stream().filter(o -> o.verdict() == v).count();
    }
}
