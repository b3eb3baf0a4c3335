package dev.llamakit.apps.text;

import dev.llamakit.memory.relevance.LexicalIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finds the sentences that best support an answer to a question, extractively: each candidate sentence is scored
 * with BM25 ({@link LexicalIndex}, the sentences being the documents) against the question's terms, and its
 * <em>coverage</em> is the share of the question's information its terms carry: the sum of the idf of the question
 * terms it contains over the sum for all question terms (a term absent from every sentence gets the highest idf,
 * so a question about something the text never mentions has low coverage everywhere). A sentence is support when
 * its coverage reaches the threshold. Sentences rank by coverage, then by BM25 score, then by position: the best
 * sentence comes first; a further sentence is added only when it is not a fragment (a table row or a heading),
 * covers a question term the chosen ones do not and scores at least half as well as the best. Words that only frame
 * a question ("how does X <em>work</em>", "what does X <em>mean</em>") are not question terms.
 * <p>
 * A sentence may come with a <em>context</em>: the title of its document and the heading of its section. The
 * context's terms count toward coverage (a sentence under the heading "Summarization" is about summarization even if
 * it never says the word) but not toward the BM25 score, so among equally covering sentences those that say the
 * words themselves come first. Sentences that quote the question itself (an example of asking it, not an answer)
 * and lines of code or shell commands are never support.
 */
public final class SupportingSentences {
    /** The default coverage a sentence needs to count as support. */
    public static final double DEFAULT_MIN_COVERAGE = 0.5;

    /** Words that frame a question ("how does X work", "what does X mean") rather than carry its content. */
    static final Set<String> QUESTION_FRAME = Set.of("work", "mean", "happen", "explain", "describe", "tell", "know",
            "please", "exactly", "actually", "get", "doe");

    private SupportingSentences() {
    }

    /** The terms of {@code question} that carry its content ({@link LexicalIndex#terms(String)} without framing words). */
    public static List<String> questionTerms(String question) {
        List<String> terms = new ArrayList<>(new LinkedHashSet<>(LexicalIndex.terms(question)));
        terms.removeAll(QUESTION_FRAME);
        return terms;
    }

    /** A candidate sentence with its BM25 score and coverage, and its index in the candidate list. */
    public record Scored(int index, Sentences.Sentence sentence, double score, double coverage) {
    }

    /**
     * The supporting sentences of {@code candidates} for {@code question}, best first, at most {@code max}; empty
     * when no sentence reaches {@code minCoverage}.
     */
    public static List<Scored> find(List<Sentences.Sentence> candidates, String question, int max, double minCoverage) {
        return find(candidates, java.util.Collections.nCopies(candidates.size(), ""), question, max, minCoverage);
    }

    /**
     * Like {@link #find(List, String, int, double)}, with {@code contexts.get(i)} the context (document title, section
     * heading) of {@code candidates.get(i)}; its terms count toward coverage.
     */
    public static List<Scored> find(List<Sentences.Sentence> candidates, List<String> contexts, String question, int max,
                                    double minCoverage) {
        Objects.requireNonNull(candidates, "candidates");
        Objects.requireNonNull(contexts, "contexts");
        if (contexts.size() != candidates.size()) {
            throw new IllegalArgumentException("one context per candidate: " + contexts.size() + " contexts for "
                    + candidates.size() + " candidates");
        }
        List<String> queryTerms = new ArrayList<>(new LinkedHashSet<>(LexicalIndex.terms(question)));
        queryTerms.removeAll(QUESTION_FRAME);
        if (candidates.isEmpty() || queryTerms.isEmpty() || max < 1) {
            return List.of();
        }
        List<String> texts = candidates.stream().map(Sentences.Sentence::text).toList();
        LexicalIndex index = LexicalIndex.of(texts);
        List<Set<String>> termSets = new ArrayList<>();
        List<Set<String>> contextTerms = new ArrayList<>();
        Map<String, Integer> df = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            Set<String> terms = new HashSet<>(LexicalIndex.terms(texts.get(i)));
            termSets.add(terms);
            terms.forEach(term -> df.merge(term, 1, Integer::sum));
            contextTerms.add(new HashSet<>(LexicalIndex.terms(Objects.requireNonNull(contexts.get(i), "context"))));
        }
        String questionKey = letters(question);
        int n = texts.size();
        Map<String, Double> idf = new HashMap<>();
        double totalIdf = 0;
        for (String term : queryTerms) {
            int f = df.getOrDefault(term, 0);
            double v = Math.log(1 + (n - f + 0.5) / (f + 0.5));
            idf.put(term, v);
            totalIdf += v;
        }
        List<Scored> scored = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (isCode(texts.get(i)) || (!questionKey.isEmpty() && letters(texts.get(i)).contains(questionKey))) {
                continue;
            }
            double covered = 0;
            for (String term : queryTerms) {
                if (termSets.get(i).contains(term) || contextTerms.get(i).contains(term)) {
                    covered += idf.get(term);
                }
            }
            double coverage = totalIdf == 0 ? 0 : covered / totalIdf;
            if (coverage >= minCoverage && coverage > 0) {
                scored.add(new Scored(i, candidates.get(i), index.score(i, queryTerms), coverage));
            }
        }
        // a heading, a table row or a fragment repeats the question's words without answering it: prose first
        scored.sort(Comparator.comparing((Scored s) -> !isProse(s.sentence().text()))
                .thenComparingDouble((Scored s) -> -Math.round(s.coverage() * 100))
                .thenComparingDouble(s -> -s.score())
                .thenComparingInt(Scored::index));
        List<Scored> chosen = new ArrayList<>();
        Set<String> coveredTerms = new HashSet<>();
        Set<String> seenTexts = new HashSet<>();
        for (Scored s : scored) {
            if (chosen.size() >= max) {
                break;
            }
            // a quoted earlier answer ("... [1]") is the same sentence as its source
            String key = s.sentence().normalized().replaceAll("\\s*\\[\\d+(,\\s*\\d+)*]", "")
                    .toLowerCase(java.util.Locale.ROOT).strip();
            if (!seenTexts.add(key)) {
                continue;
            }
            Set<String> terms = termSets.get(s.index());
            if (chosen.isEmpty()) {
                chosen.add(s);
            } else {
                double best = chosen.get(0).score();
                boolean addsTerm = queryTerms.stream().anyMatch(t -> terms.contains(t) && !coveredTerms.contains(t));
                // a fragment (table cell, heading) may answer alone, but never pads an answer
                if (addsTerm && s.score() >= best / 2 && !isFragment(s.sentence().text())) {
                    chosen.add(s);
                } else {
                    continue;
                }
            }
            queryTerms.stream().filter(terms::contains).forEach(coveredTerms::add);
        }
        return chosen;
    }

    /** The letters and digits of {@code text}, lower-cased, single-spaced: to spot a quoted question. */
    private static String letters(String text) {
        return text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    /** Whether a sentence is a line of code or a shell command rather than prose: calls, statements, prompts. */
    static boolean isCode(String text) {
        String t = text.strip();
        return t.startsWith("./") || t.startsWith("$ ") || t.startsWith("mvn") || t.startsWith("java ")
                || t.endsWith(";") || t.endsWith("{") || t.contains("(\"") || t.contains("\")")
                || t.contains("->") || t.contains(" = new ");
    }

    /** A table row, heading, quote or fence line: it may answer alone, but never pads an answer. */
    static boolean isFragment(String text) {
        String t = text.strip();
        return t.startsWith("|") || t.endsWith("|") || t.startsWith("#") || t.startsWith("```") || t.startsWith(">");
    }

    /** Whether a sentence reads as prose: at least six words, and not a heading, table row, list marker or code. */
    static boolean isProse(String text) {
        String t = text.strip();
        if (t.startsWith("#") || t.startsWith("|") || t.startsWith("```") || t.startsWith(">")) {
            return false;
        }
        return Headings.words(t) >= 6;
    }
}
