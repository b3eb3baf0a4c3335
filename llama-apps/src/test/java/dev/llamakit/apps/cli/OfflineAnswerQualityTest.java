package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The offline answerer on the question set {@code questions/docs.json} (questions about {@code docs/*.md} as users
 * ask them, each with its key facts and the files that hold them, plus questions the docs do not answer), through
 * the path {@code llama rag ask --docs docs QUESTION} takes offline: the folder loaded, the retriever the command
 * picks offline, the pipeline without a model. Each answer is <em>right</em> (it holds a phrase of every fact
 * group and cites a file that holds the answer), <em>abstained</em>, or <em>wrong</em> (anything else); the test
 * prints the table and the shares, and fails when they regress.
 */
class OfflineAnswerQualityTest {
    static final Path DOCS = Path.of("../docs").toAbsolutePath().normalize();
    /** The fewest right answers of the 52 answerable questions this test accepts. */
    static final long MIN_RIGHT = 24;
    /** The most wrong answers of the 52 answerable questions this test accepts. */
    static final long MAX_WRONG = 19;

    static Embedder embedder;
    static Retriever retriever;
    static RagPipeline pipeline;

    enum Verdict { RIGHT, WRONG, ABSTAINED }

    record Outcome(String question, Verdict verdict, String answer, String cited) {
    }

    @BeforeAll
    static void load() {
        RetrieverOptions options = new RetrieverOptions();
        options.name = RagAskCommand.OFFLINE_DOCS_RETRIEVER;
        options.embedder = EmbedderChoice.DEFAULT;
        options.mode = "bm25";
        embedder = RetrieverChoice.embedderFor(options);
        CliContext ctx = CliContext.of(new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), Map.of(), Path.of("."));
        retriever = RetrieverChoice.create(options, ctx, null, null, embedder, null, false);
        retriever.upsert(FolderLoader.builder(DOCS).build().load().documents());
        pipeline = RagAskCommand.pipeline(retriever, embedder, DOCS, RagPipeline.DEFAULT_TOP_K).build();
    }

    @AfterAll
    static void close() {
        if (retriever != null) {
            retriever.close();
        }
        if (embedder != null) {
            embedder.close();
        }
    }

    @Test
    void answersMostQuestionsRightAndAbstainsOnTheRest() throws IOException {
        JsonNode set;
        try (InputStream in = getClass().getResourceAsStream("/questions/docs.json")) {
            set = new ObjectMapper().readTree(in);
        }
        List<Outcome> answerable = new ArrayList<>();
        for (JsonNode q : set.get("answerable")) {
            answerable.add(judge(q.get("question").asText(), q.get("facts"), q.get("files")));
        }
        List<Outcome> unanswerable = new ArrayList<>();
        for (JsonNode q : set.get("unanswerable")) {
            unanswerable.add(judge(q.asText(), null, null));
        }
        StringBuilder table = new StringBuilder("\n| verdict | question | cited | answer |\n|---|---|---|---|\n");
        for (Outcome o : concat(answerable, unanswerable)) {
            table.append("| ").append(o.verdict()).append(" | ").append(o.question()).append(" | ").append(o.cited())
                    .append(" | ").append(o.answer().replace("\n", " ").replace("|", "\\|")).append(" |\n");
        }
        long right = count(answerable, Verdict.RIGHT);
        long wrong = count(answerable, Verdict.WRONG);
        long abstained = count(answerable, Verdict.ABSTAINED);
        long junk = count(unanswerable, Verdict.WRONG);
        table.append(String.format(Locale.ROOT, "%nanswerable %d: right %d (%.0f%%), wrong %d (%.0f%%), abstained %d (%.0f%%);"
                        + " unanswerable %d: abstained %d, answered %d%n", answerable.size(),
                right, 100.0 * right / answerable.size(), wrong, 100.0 * wrong / answerable.size(),
                abstained, 100.0 * abstained / answerable.size(), unanswerable.size(), unanswerable.size() - junk, junk));
        System.out.println(table);
        String summary = table.substring(table.lastIndexOf("\nanswerable ") + 1);
        assertThat(answerable).hasSizeGreaterThanOrEqualTo(45);
        assertThat(unanswerable).hasSizeGreaterThanOrEqualTo(6);
        // the regression guard is the measured level (the goal, 80 % right and 5 % wrong, is not reached yet):
        // before the passage selector, 17 right, 23 wrong, 12 abstained, 7 of 7 unanswerable abstained; with it,
        // 26 right, 16 wrong, 10 abstained, 7 of 7 abstained (ONNX Runtime's multi-threaded float sums move close
        // scores a little from run to run, hence the margin)
        assertThat(right).as("right answers; %s", summary).isGreaterThanOrEqualTo(MIN_RIGHT);
        assertThat(wrong).as("wrong answers; %s", summary).isLessThanOrEqualTo(MAX_WRONG);
        // 0 of 7 when the set was written; 1 since docs/apps.md gained the CLI's transcripts (a budget sentence
        // answers "how much does a million tokens cost"): the guard holds today's level, the target is not met yet
        assertThat(junk).as("answered unanswerable questions; %s", summary).isLessThanOrEqualTo(1);
    }

    private static Outcome judge(String question, JsonNode facts, JsonNode files) {
        RagAnswer a = pipeline.ask(question);
        String cited = String.join(", ", a.cited().stream().map(OfflineAnswerQualityTest::where).toList());
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

    private static List<Outcome> concat(List<Outcome> a, List<Outcome> b) {
        List<Outcome> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
