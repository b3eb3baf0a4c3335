package dev.llamakit.retrieval.eval;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes runs in the standard TREC format, one line per retrieved document: {@code qid Q0 docid rank score tag},
 * so that any trec_eval can score them ({@code trec_eval -c -m ndcg_cut.10 qrels run}).
 *
 * <p>trec_eval ignores the rank column: it re-sorts by score, descending, and breaks ties by document id,
 * descending. Scores are written exactly ({@link Double#toString(double)}, which reads back as the same
 * {@code double}), so a run ranked in trec_eval's order is scored as written. To keep another order for equal scores
 * (the retriever's), pass {@code nudgeTies}: each score that is not below the previous line's written score is
 * written as the next {@code double} below it ({@link Math#nextDown(double)}). The nudge is about 1e-15 relative,
 * far below any real score difference, and makes written scores strictly decreasing, so trec_eval keeps the order.
 */
public final class TrecRun {
    private static final Pattern NO_SPACE = Pattern.compile("\\S+");

    private TrecRun() {
    }

    /** Writes the run to {@code file} (UTF-8), replacing it. */
    public static void write(Path file, Map<String, List<ScoredDocument>> run, String tag, boolean nudgeTies) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(w, run, tag, nudgeTies);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the run: query id → ranking (best first) in map order; ranks from 1.
     *
     * @throws IllegalArgumentException when a query id, document id or the tag is empty or holds whitespace
     */
    public static void write(Writer out, Map<String, List<ScoredDocument>> run, String tag, boolean nudgeTies)
            throws IOException {
        Objects.requireNonNull(run, "run");
        checkToken("tag", tag);
        StringBuilder line = new StringBuilder(96);
        for (Map.Entry<String, List<ScoredDocument>> e : run.entrySet()) {
            String qid = e.getKey();
            checkToken("query id", qid);
            double previous = Double.POSITIVE_INFINITY;
            int rank = 0;
            for (ScoredDocument d : e.getValue()) {
                checkToken("document id", d.documentId());
                double score = d.score();
                if (nudgeTies && score >= previous) {
                    score = Math.nextDown(previous);
                }
                previous = score;
                line.setLength(0);
                line.append(qid).append(" Q0 ").append(d.documentId()).append(' ').append(++rank).append(' ')
                        .append(score).append(' ').append(tag).append('\n');
                out.write(line.toString());
            }
        }
        out.flush();
    }

    private static void checkToken(String what, String value) {
        if (value == null || !NO_SPACE.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' cannot be written to a TREC run:"
                    + " it must be non-empty and hold no whitespace");
        }
    }
}
