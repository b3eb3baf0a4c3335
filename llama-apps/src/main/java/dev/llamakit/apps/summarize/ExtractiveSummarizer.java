package dev.llamakit.apps.summarize;

import dev.llamakit.apps.text.CodeFences;
import dev.llamakit.apps.text.SentenceKind;
import dev.llamakit.apps.text.Sentences;
import dev.llamakit.apps.text.Sentences.Sentence;
import dev.llamakit.memory.relevance.LexicalIndex;
import dev.llamakit.summarize.SummaryRequest;
import dev.llamakit.summarize.Summarizer;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An offline summarizer: TextRank sentence extraction. The text is split into {@link Sentences}; two sentences are
 * linked with the weight {@code |shared terms| / (log(1 + |terms a|) + log(1 + |terms b|))} (terms as
 * {@link LexicalIndex#terms(String)}: lower-cased, stop words removed, plurals stemmed); PageRank with damping
 * {@value #DAMPING} runs on that graph until it converges. The best-ranked sentences that fit in the request's
 * {@code maxTokens} ({@link EstimatingTokenCounter}) are returned in document order. Deterministic: ties go to the
 * earlier sentence.
 *
 * <p>Instructions it can follow are followed; the rest of an instruction is ignored (a model would be needed):
 * <ul>
 *   <li>a count: "3 bullet points", "in two sentences", "5 key points" → that many sentences;</li>
 *   <li>"bullet(s)" → one sentence per line, each starting with {@code "- "};</li>
 *   <li>a focus: "focusing on solutions", "focus on X", "about X" → PageRank teleports to sentences that share
 *       terms with the focus (topic-sensitive PageRank), so sentences on the topic and those near them rank
 *       higher.</li>
 * </ul>
 * An incremental request summarizes the previous summary followed by the new text. It writes nothing of its own:
 * every sentence of its output is a sentence of the input (whitespace runs become single spaces, list markers are
 * dropped); a sentence repeated word for word is a candidate once. Fragments of fewer than {@value #MIN_WORDS}
 * words, headings, table rows, questions, fenced code blocks and lines that read as code or command lines
 * ({@link SentenceKind}) are not candidates unless the text has nothing else.
 */
public final class ExtractiveSummarizer implements Summarizer {
    /** The PageRank damping factor. */
    public static final double DAMPING = 0.85;
    private static final int MAX_ITERATIONS = 200;
    private static final int MIN_WORDS = 4;
    private static final double EPSILON = 1e-9;
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("one", 1), Map.entry("two", 2),
            Map.entry("three", 3), Map.entry("four", 4), Map.entry("five", 5), Map.entry("six", 6),
            Map.entry("seven", 7), Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10),
            Map.entry("a single", 1), Map.entry("a", 1));
    private static final Pattern COUNT = Pattern.compile(
            "\\b(\\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a single|a)\\s+(?:short\\s+|key\\s+|main\\s+|concise\\s+|brief\\s+)*"
                    + "(bullet points?|bullets?|sentences?|points?|key points?|items?|lines?)\\b");
    private static final Pattern BULLETS = Pattern.compile("\\b(bullet|bulleted|bullets|list)\\b");
    private static final Pattern FOCUS = Pattern.compile(
            "\\b(?:focus(?:ing|ed)?\\s+on|with\\s+(?:a\\s+)?focus\\s+on|emphasi[sz]ing|about|regarding|concerning)\\s+([^.;:\\n]+)");
    private static final Pattern LIST_MARKER = Pattern.compile("^(?:[-*+]\\s+|\\d{1,3}[.)]\\s+|#{1,6}\\s+|>\\s*)");

    private final TokenCounter counter;

    /** A summarizer that measures its output with a private {@link EstimatingTokenCounter}. */
    public ExtractiveSummarizer() {
        this(new EstimatingTokenCounter());
    }

    public ExtractiveSummarizer(TokenCounter counter) {
        this.counter = java.util.Objects.requireNonNull(counter, "counter");
    }

    /** What an instruction asks for that this summarizer can do. */
    record Plan(Integer sentences, boolean bullets, String focus) {
        static Plan of(String instruction) {
            if (instruction == null || instruction.isBlank()) {
                return new Plan(null, false, null);
            }
            String lower = instruction.toLowerCase(Locale.ROOT);
            Integer count = null;
            Matcher m = COUNT.matcher(lower);
            if (m.find()) {
                String n = m.group(1);
                count = Character.isDigit(n.charAt(0)) ? Integer.parseInt(n) : NUMBERS.get(n);
                if (count != null && count < 1) {
                    count = null;
                }
            }
            boolean bullets = BULLETS.matcher(lower).find();
            Matcher f = FOCUS.matcher(lower);
            String focus = f.find() ? f.group(1).strip() : null;
            return new Plan(count, bullets, focus);
        }
    }

    @Override
    public String summarize(SummaryRequest request) {
        String text = request.previousSummaryIfAny().map(p -> p + "\n\n" + request.text()).orElse(request.text());
        Plan plan = Plan.of(request.instruction());
        List<Sentence> sentences = new ArrayList<>();
        List<String> cleaned = new ArrayList<>();
        boolean[] fenced = fencedChars(text);
        Set<String> seen = new HashSet<>();
        for (Sentence s : Sentences.split(text)) {
            String c = LIST_MARKER.matcher(s.normalized()).replaceFirst("").strip();
            if (isProse(c) && !fenced[s.start()] && seen.add(c) && SentenceKind.of(text, s).citable()
                    && SentenceKind.of(text, s) != SentenceKind.TABLE_ROW) {
                sentences.add(s);
                cleaned.add(c);
            }
        }
        if (sentences.isEmpty()) {
            // no prose (a list of short fragments): fall back to every sentence that has a term
            for (Sentence s : Sentences.split(text)) {
                String c = LIST_MARKER.matcher(s.normalized()).replaceFirst("").strip();
                if (!LexicalIndex.terms(c).isEmpty() && !fenced[s.start()] && SentenceKind.of(text, s) != SentenceKind.CODE) {
                    sentences.add(s);
                    cleaned.add(c);
                }
            }
        }
        if (sentences.isEmpty()) {
            return fit(text.strip().replaceAll("\\s+", " "), request.maxTokens());
        }
        double[] rank = rank(cleaned, plan.focus());
        Integer[] order = new Integer[cleaned.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // with a focus, the sentences that name it come first ("3 bullet points about retries": about retries)
        Set<String> focusTerms = plan.focus() == null ? Set.of() : new HashSet<>(LexicalIndex.terms(plan.focus()));
        boolean[] onTopic = new boolean[cleaned.size()];
        for (int i = 0; i < onTopic.length; i++) {
            onTopic[i] = !focusTerms.isEmpty() && LexicalIndex.terms(cleaned.get(i)).stream().anyMatch(focusTerms::contains);
        }
        Arrays.sort(order, Comparator.comparing((Integer i) -> !onTopic[i]).thenComparingDouble((Integer i) -> -rank[i])
                .thenComparingInt(i -> i));
        int limit = plan.sentences() != null ? plan.sentences() : Integer.MAX_VALUE;
        List<Integer> chosen = new ArrayList<>();
        for (Integer i : order) {
            if (chosen.size() >= limit) {
                break;
            }
            List<Integer> trial = new ArrayList<>(chosen);
            trial.add(i);
            trial.sort(null);
            if (counter.count(render(trial, cleaned, plan.bullets())) <= request.maxTokens()) {
                chosen = trial;
            }
        }
        if (chosen.isEmpty()) {
            return fit(render(List.of(order[0]), cleaned, plan.bullets()), request.maxTokens());
        }
        return render(chosen, cleaned, plan.bullets());
    }

    /** For each character of {@code text}, whether it is inside a fenced code block (fence lines included). */
    static boolean[] fencedChars(String text) {
        boolean[] out = new boolean[text.length() + 1];
        boolean inFence = false;
        int lineStart = 0;
        while (lineStart <= text.length()) {
            int nl = text.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? text.length() : nl;
            boolean fence = CodeFences.isFence(text.substring(lineStart, lineEnd));
            if (inFence || fence) {
                java.util.Arrays.fill(out, lineStart, Math.min(out.length, lineEnd + 1), true);
            }
            if (fence) {
                inFence = !inFence;
            }
            if (nl < 0) {
                break;
            }
            lineStart = nl + 1;
        }
        return out;
    }

    /** Whether a sentence is prose worth extracting: at least {@value #MIN_WORDS} words of letters, not a table row or fence. */
    static boolean isProse(String sentence) {
        if (sentence.startsWith("|") || sentence.startsWith("```")) {
            return false;
        }
        int words = 0;
        for (String w : sentence.split("\\s+")) {
            if (w.chars().filter(Character::isLetter).count() >= 2) {
                words++;
            }
        }
        return words >= MIN_WORDS;
    }

    /** TextRank scores of the sentences (topic-sensitive when {@code focus} has terms). */
    double[] rank(List<String> sentences, String focus) {
        int n = sentences.size();
        List<Set<String>> terms = new ArrayList<>(n);
        for (String s : sentences) {
            terms.add(new HashSet<>(LexicalIndex.terms(s)));
        }
        double[][] w = new double[n][n];
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                Set<String> a = terms.get(i);
                Set<String> b = terms.get(j);
                int shared = 0;
                for (String t : a) {
                    if (b.contains(t)) {
                        shared++;
                    }
                }
                if (shared > 0) {
                    double sim = shared / (Math.log(1 + a.size()) + Math.log(1 + b.size()));
                    w[i][j] = sim;
                    w[j][i] = sim;
                    out[i] += sim;
                    out[j] += sim;
                }
            }
        }
        double[] teleport = teleport(terms, focus);
        double[] rank = new double[n];
        Arrays.fill(rank, 1.0 / n);
        for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
            double dangling = 0;
            for (int i = 0; i < n; i++) {
                if (out[i] == 0) {
                    dangling += rank[i];
                }
            }
            double[] next = new double[n];
            double delta = 0;
            for (int j = 0; j < n; j++) {
                double in = 0;
                for (int i = 0; i < n; i++) {
                    if (w[i][j] > 0) {
                        in += rank[i] * w[i][j] / out[i];
                    }
                }
                next[j] = (1 - DAMPING) * teleport[j] + DAMPING * (in + dangling * teleport[j]);
                delta += Math.abs(next[j] - rank[j]);
            }
            rank = next;
            if (delta < EPSILON) {
                break;
            }
        }
        return rank;
    }

    private static double[] teleport(List<Set<String>> terms, String focus) {
        int n = terms.size();
        double[] t = new double[n];
        Set<String> focusTerms = focus == null ? Set.of() : new LinkedHashSet<>(LexicalIndex.terms(focus));
        double total = 0;
        if (!focusTerms.isEmpty()) {
            for (int i = 0; i < n; i++) {
                for (String f : focusTerms) {
                    if (terms.get(i).contains(f)) {
                        t[i] += 1;
                    }
                }
                total += t[i];
            }
        }
        if (total == 0) {
            Arrays.fill(t, 1.0 / n);
            return t;
        }
        for (int i = 0; i < n; i++) {
            t[i] /= total;
        }
        return t;
    }

    private static String render(List<Integer> chosen, List<String> sentences, boolean bullets) {
        StringBuilder sb = new StringBuilder();
        for (Integer i : chosen) {
            if (!sb.isEmpty()) {
                sb.append(bullets ? "\n" : " ");
            }
            sb.append(bullets ? "- " : "").append(sentences.get(i));
        }
        return sb.toString();
    }

    /** The longest prefix of whole words of {@code text} that fits in {@code maxTokens}, with "…" when cut. */
    private String fit(String text, int maxTokens) {
        if (counter.count(text) <= maxTokens) {
            return text;
        }
        String[] words = text.split(" ");
        StringBuilder sb = new StringBuilder();
        for (String word : words) {
            String next = sb.isEmpty() ? word : sb + " " + word;
            if (counter.count(next + "…") > maxTokens) {
                break;
            }
            sb.setLength(0);
            sb.append(next);
        }
        return Optional.of(sb.toString()).filter(s -> !s.isEmpty()).map(s -> s + "…").orElse("…");
    }
}
