package dev.llamakit.retrieval.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Relevance judgments: for each query id, document id → integer grade. A grade above 0 is relevant and is the
 * document's gain in nDCG; 0 or below is judged non-relevant; an unjudged document is non-relevant. Immutable; queries
 * and documents keep the file's order.
 */
public final class Qrels {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final Map<String, Map<String, Integer>> judgments;
    private final int lines;

    private Qrels(Map<String, Map<String, Integer>> judgments, int lines) {
        Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
        judgments.forEach((q, docs) -> copy.put(q, Collections.unmodifiableMap(new LinkedHashMap<>(docs))));
        this.judgments = Collections.unmodifiableMap(copy);
        this.lines = lines;
    }

    /** Judgments given in code: query id → (document id → grade). */
    public static Qrels of(Map<String, Map<String, Integer>> judgments) {
        Objects.requireNonNull(judgments, "judgments");
        return new Qrels(judgments, judgments.values().stream().mapToInt(Map::size).sum());
    }

    /**
     * Reads a qrels file (plain or gzip): BEIR's tab-separated {@code query-id corpus-id score}, with or without its
     * header line, or TREC's {@code qid iteration docid grade}. Blank lines are skipped; a document judged twice for a
     * query keeps its last grade.
     *
     * @throws IllegalArgumentException naming the line when a line is malformed
     */
    public static Qrels read(Path file) {
        Map<String, Map<String, Integer>> judgments = new LinkedHashMap<>();
        int count = 0;
        try (BufferedReader reader = DataFiles.reader(file)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                String trimmed = line.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                String[] cols = WHITESPACE.split(trimmed);
                if (cols.length != 3 && cols.length != 4) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": expected 3 columns (query-id"
                            + " corpus-id score) or 4 (qid iteration docid grade), got " + cols.length);
                }
                String grade = cols[cols.length - 1];
                int value;
                try {
                    value = Integer.parseInt(grade);
                } catch (NumberFormatException e) {
                    if (lineNo == 1) {
                        continue; // the header, e.g. "query-id corpus-id score"
                    }
                    throw new IllegalArgumentException(file + " line " + lineNo + ": grade '" + grade
                            + "' is not an integer");
                }
                String docId = cols[cols.length == 3 ? 1 : 2];
                judgments.computeIfAbsent(cols[0], q -> new LinkedHashMap<>()).put(docId, value);
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read qrels " + file + ": " + e.getMessage(), e);
        }
        return new Qrels(judgments, count);
    }

    /** Every query id in the judgments, in file order. */
    public Set<String> queryIds() {
        return judgments.keySet();
    }

    /**
     * The query ids with at least one relevant document (grade above 0), in file order: the queries an evaluation
     * scores, as trec_eval does.
     */
    public Set<String> queryIdsWithRelevant() {
        Set<String> ids = new LinkedHashSet<>();
        judgments.forEach((q, docs) -> {
            if (docs.values().stream().anyMatch(g -> g > 0)) {
                ids.add(q);
            }
        });
        return Collections.unmodifiableSet(ids);
    }

    /** Document id → grade for a query; empty for an unknown query. */
    public Map<String, Integer> judgments(String queryId) {
        return judgments.getOrDefault(queryId, Map.of());
    }

    /** The number of judgments (lines). */
    public int size() {
        return lines;
    }

    @Override
    public String toString() {
        return "Qrels[" + judgments.size() + " queries, " + lines + " judgments]";
    }
}
