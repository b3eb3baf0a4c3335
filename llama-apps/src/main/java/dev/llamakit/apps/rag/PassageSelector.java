package dev.llamakit.apps.rag;

import dev.llamakit.apps.text.AnswerType;
import dev.llamakit.apps.text.Headings;
import dev.llamakit.apps.text.SentenceKind;
import dev.llamakit.apps.text.Sentences;
import dev.llamakit.apps.text.SourceText;
import dev.llamakit.apps.text.SupportingSentences;
import dev.llamakit.embed.Embedder;
import dev.llamakit.memory.relevance.LexicalIndex;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.RetrievedChunk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Picks the passage of the retrieved chunks that answers a question, offline: every sentence that may answer (prose,
 * a list item, a table row; never a heading, a table's header, a question, a line of code or a command, nor a
 * sentence quoting the question) is scored by meaning (the cosine of its embedding with the question's) plus
 * lexical evidence (the idf-weighted share of the question's terms it carries, its section heading and document
 * title counting), plus what its kind of statement adds ({@link AnswerType}: a question asking "how many" wants a
 * number, "by default" a default). A table row is scored with its column headers ("default: 256"), a sentence cut at
 * the start of its chunk loses a little. The best one is the answer when its score reaches {@link #MIN_SCORE}; it
 * grows into the smallest passage around it: the list a sentence ending in a colon introduces, or a neighbour of the
 * same paragraph that scores nearly as well (three sentences at most), and the nearby sentence of its section that
 * says what the question asks for when it does not ("Default: 5" beside an option's description).
 *
 * <p>When the file a chunk came from is at hand (its {@code path} metadata under the root), its lines decide what
 * is code or a heading, and each passage gets the line it starts on.
 */
final class PassageSelector {
    /**
     * The score the best sentence needs to be an answer: its cosine, {@value #SECTION_WEIGHT} × its section's cosine,
     * {@value #LEXICAL_WEIGHT} × its coverage and the rank prior, summed.
     */
    static final double MIN_SCORE = 0.80;
    /** The weight of lexical coverage (0 to 1) beside the cosine (-1 to 1). */
    static final double LEXICAL_WEIGHT = 0.5;
    /** How much less than the best a neighbour may score and still join the passage. */
    static final double NEIGHBOUR_MARGIN = 0.25;
    static final int MAX_SENTENCES = 3;
    /** The weight of the cosine of the question with the sentence's document title and section heading. */
    static final double SECTION_WEIGHT = 0.15;
    /** What the retriever's order adds: up to this much for a sentence of the first hit, nothing for the last. */
    static final double RANK_PRIOR = 0.1;
    static final int MAX_LIST_ITEMS = 8;
    /**
     * What saying the kind of thing the question asks for ({@link AnswerType}: a number, a duration, ...) adds, and
     * what not saying it takes away when the question can hardly be answered otherwise.
     */
    static final double TYPE_BONUS = 0.15;
    /** What a sentence cut at the start of its chunk loses (the whole sentence is usually in the chunk before). */
    static final double FRAGMENT_PENALTY = 0.15;
    /** How many sentences away a sentence of the same section may be to complete an answer with what it asks for. */
    static final int TYPE_REACH = 2;
    private static final Pattern MARKERS = Pattern.compile("\\s*\\[\\d+(?:\\s*,\\s*\\d+)*]");
    private static final Pattern LIST_MARKER = Pattern.compile("^(?:[-*+\u2022]\\s+|\\d{1,3}[.)]\\s+)");

    private final Embedder embedder;
    private final Path root;

    PassageSelector(Embedder embedder, Path root) {
        this.embedder = embedder;
        this.root = root;
    }

    /** A passage: the hit it is in, its offsets in the chunk's text, its text as quoted, its line (0 unknown). */
    record Passage(int hit, int start, int end, String text, int line) {
    }

    private record Candidate(int hit, int index, Sentences.Sentence sentence, SentenceKind kind, String context,
                             String clean, int line, String heading) {
        /** What is embedded: the sentence under its section heading, which says what a short row or line is about. */
        String section() {
            return context.strip();
        }

        String embedded() {
            return heading.isBlank() ? clean : heading + ": " + clean;
        }
    }

    /** The answer passage, or empty when no sentence answers the question well enough. */
    Optional<Passage> select(String question, List<RetrievedChunk> hits) {
        Map<Integer, List<Candidate>> byHit = new HashMap<>();
        List<Candidate> all = new ArrayList<>();
        String questionKey = letters(question);
        for (int h = 0; h < hits.size(); h++) {
            Chunk chunk = hits.get(h).chunk();
            SourceText source = source(chunk);
            int chunkLine = source == null ? 0 : source.lineOf(chunk.text(), 1).orElse(0);
            String heading = "";
            List<Candidate> list = new ArrayList<>();
            List<Sentences.Sentence> sentences = Sentences.split(chunk.text());
            int rowEnd = -1;
            for (int i = 0; i < sentences.size(); i++) {
                Sentences.Sentence s = sentences.get(i);
                SentenceKind kind = SentenceKind.of(chunk.text(), s);
                String row = SentenceKind.lineOf(chunk.text(), s.start());
                if (row.startsWith("|")) {
                    // a table row is one candidate, quoted whole, however many sentences it holds
                    if (s.start() < rowEnd) {
                        continue;
                    }
                    int at = chunk.text().indexOf(row, chunk.text().lastIndexOf('\n', Math.max(0, s.start() - 1)) + 1);
                    if (at >= 0 && at <= s.start()) {
                        s = new Sentences.Sentence(row, at, at + row.length());
                        rowEnd = s.end();
                    }
                }
                int line = 0;
                if (source != null) {
                    line = source.lineOf(s.text(), Math.max(1, chunkLine)).orElse(0);
                    if (source.inCode(line)) {
                        kind = SentenceKind.CODE;
                    } else if (source.isHeading(line)) {
                        kind = SentenceKind.HEADING;
                    } else if (kind == SentenceKind.HEADING && line > 0) {
                        kind = SentenceKind.PROSE; // a short line ("Default: 5") the file does not mark as a heading
                    }
                }
                if (kind == SentenceKind.HEADING) {
                    heading = s.text();
                }
                String clean = clean(s.text(), kind);
                if (kind == SentenceKind.TABLE_ROW) {
                    String header = tableHeader(chunk.text(), s.start(), source, line);
                    if (header != null) {
                        clean = labelled(header, s.text(), clean);
                    }
                }
                Candidate c = new Candidate(h, list.size(), s, kind, chunk.title() + "\n" + heading, clean, line, heading);
                list.add(c);
                if (kind.citable() && Headings.words(clean) >= 3
                        && (questionKey.isEmpty() || !letters(s.text()).contains(questionKey))) {
                    all.add(c);
                }
            }
            byHit.put(h, list);
            // a sentence that introduces something (ends with a colon) answers only with the list it introduces
            for (Candidate c : list) {
                boolean listFollows = c.index() + 1 < list.size()
                        && (list.get(c.index() + 1).kind() == SentenceKind.LIST_ITEM
                        || list.get(c.index() + 1).kind() == SentenceKind.TABLE_ROW);
                if (c.sentence().text().endsWith(":") && !listFollows) {
                    all.remove(c);
                }
            }
        }
        if (all.isEmpty()) {
            return Optional.empty();
        }
        List<AnswerType> types = AnswerType.expects(question);
        double[] score = score(question, types, all, byHit, hits.size());
        int best = 0;
        for (int i = 1; i < all.size(); i++) {
            if (score[i] > score[best]) {
                best = i;
            }
        }
        if (score[best] < MIN_SCORE) {
            return Optional.empty();
        }
        Map<Candidate, Double> scores = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            scores.put(all.get(i), score[i]);
        }
        Candidate top = all.get(best);
        return Optional.of(grow(top, score[best], byHit.get(top.hit()), hits.get(top.hit()).chunk().text(), scores, types));
    }

    /** The smallest passage around {@code best}: its list, or the neighbours of its paragraph that score nearly as well. */
    private static Passage grow(Candidate best, double bestScore, List<Candidate> chunk, String text,
                                Map<Candidate, Double> scores, List<AnswerType> types) {
        List<Candidate> chosen = new ArrayList<>(List.of(best));
        if (best.kind() == SentenceKind.PROSE && best.sentence().text().endsWith(":")) {
            for (int i = best.index() + 1; i < chunk.size() && chosen.size() <= MAX_LIST_ITEMS; i++) {
                Candidate c = chunk.get(i);
                if (c.kind() != SentenceKind.LIST_ITEM && c.kind() != SentenceKind.TABLE_ROW) {
                    break;
                }
                chosen.add(c);
            }
        } else if (best.kind() == SentenceKind.PROSE) {
            int lo = best.index();
            int hi = best.index();
            while (chosen.size() < MAX_SENTENCES) {
                Candidate before = lo > 0 ? chunk.get(lo - 1) : null;
                Candidate after = hi + 1 < chunk.size() ? chunk.get(hi + 1) : null;
                double sb = joins(before, chunk.get(lo), text, scores);
                double sa = joins(chunk.get(hi), after, text, scores);
                double pick = Math.max(sb, sa);
                if (pick < bestScore - NEIGHBOUR_MARGIN) {
                    break;
                }
                if (sb >= sa) {
                    chosen.add(0, before);
                    lo--;
                } else {
                    chosen.add(after);
                    hi++;
                }
            }
        }
        for (AnswerType t : types) {
            if (chosen.stream().noneMatch(c -> t.isMetBy(c.clean()))) {
                nearestMeeting(t, chosen, chunk).ifPresent(c -> {
                    chosen.add(c);
                    chosen.sort(java.util.Comparator.comparingInt(Candidate::index));
                });
            }
        }
        StringBuilder sb = new StringBuilder();
        boolean list = chosen.size() > 1 && chosen.get(chosen.size() - 1).kind() != SentenceKind.PROSE;
        for (Candidate c : chosen) {
            if (!sb.isEmpty()) {
                sb.append(list ? "\n" : " ");
            }
            String quoted = MARKERS.matcher(c.sentence().normalized()).replaceAll("").strip();
            sb.append(c.kind() == SentenceKind.PROSE && !list ? LIST_MARKER.matcher(quoted).replaceFirst("") : quoted);
        }
        Candidate first = chosen.get(0);
        Candidate last = chosen.get(chosen.size() - 1);
        return new Passage(best.hit(), first.sentence().start(), last.sentence().end(), sb.toString(), first.line());
    }

    /**
     * The sentence of the same section, at most {@value #TYPE_REACH} sentences before or after {@code chosen}, that says
     * what the question asks for when the chosen ones do not: the "Default: 5" line beside an option's description.
     */
    private static Optional<Candidate> nearestMeeting(AnswerType type, List<Candidate> chosen, List<Candidate> chunk) {
        int lo = chosen.get(0).index();
        int hi = chosen.get(chosen.size() - 1).index();
        String heading = chosen.get(0).heading();
        for (int d = 1; d <= TYPE_REACH; d++) {
            for (int i : new int[] {lo - d, hi + d}) {
                if (i < 0 || i >= chunk.size()) {
                    continue;
                }
                Candidate c = chunk.get(i);
                if (c.heading().equals(heading) && c.kind().citable() && type.isMetBy(c.clean())) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code c}, or a sentence of its section at most {@value #TYPE_REACH} away, says what {@code type} asks. */
    private static boolean metNearby(AnswerType type, Candidate c, List<Candidate> chunk) {
        return type.isMetBy(c.clean()) || nearestMeeting(type, List.of(c), chunk).isPresent();
    }

    /** The score of the neighbour of {@code a} and {@code b} (whichever is not yet chosen) when it may join them, else -inf. */
    private static double joins(Candidate a, Candidate b, String text, Map<Candidate, Double> scores) {
        if (a == null || b == null || a.kind() != SentenceKind.PROSE || b.kind() != SentenceKind.PROSE) {
            return Double.NEGATIVE_INFINITY;
        }
        if (text.substring(a.sentence().end(), b.sentence().start()).contains("\n\n")) {
            return Double.NEGATIVE_INFINITY; // another paragraph
        }
        Double sa = scores.get(a);
        Double sb = scores.get(b);
        return sa == null || sb == null ? Double.NEGATIVE_INFINITY : Math.min(sa, sb);
    }

    private double[] score(String question, List<AnswerType> types, List<Candidate> all,
                           Map<Integer, List<Candidate>> byHit, int hits) {
        List<String> queryTerms = new ArrayList<>(new LinkedHashSet<>(SupportingSentences.questionTerms(question)));
        Map<String, Integer> df = new HashMap<>();
        List<Set<String>> terms = new ArrayList<>();
        for (Candidate c : all) {
            Set<String> t = new HashSet<>(LexicalIndex.terms(c.clean()));
            t.forEach(x -> df.merge(x, 1, Integer::sum));
            t.addAll(LexicalIndex.terms(c.context()));
            terms.add(t);
        }
        int n = all.size();
        double totalIdf = 0;
        Map<String, Double> idf = new HashMap<>();
        for (String term : queryTerms) {
            int f = df.getOrDefault(term, 0);
            double v = Math.log(1 + (n - f + 0.5) / (f + 0.5));
            idf.put(term, v);
            totalIdf += v;
        }
        double[] out = new double[n];
        float[] q = embedder == null ? null : embedder.embedQuery(question);
        List<float[]> vectors = embedder == null ? null : embedder.embed(all.stream().map(Candidate::embedded).toList());
        // what the sentence's section is about, from its document title and heading: "Retries and timeouts" vs "Faults"
        Map<String, Double> sectionCosine = new HashMap<>();
        if (q != null) {
            List<String> sections = all.stream().map(Candidate::section).distinct().toList();
            List<float[]> sv = embedder.embed(sections);
            for (int i = 0; i < sections.size(); i++) {
                sectionCosine.put(sections.get(i), cosine(q, sv.get(i)));
            }
        }
        for (int i = 0; i < n; i++) {
            double covered = 0;
            for (String term : queryTerms) {
                if (terms.get(i).contains(term)) {
                    covered += idf.get(term);
                }
            }
            double lexical = totalIdf == 0 ? 0 : covered / totalIdf;
            double prior = RANK_PRIOR * (hits - all.get(i).hit()) / hits;
            double meaning = q == null ? lexical * 1.2
                    : cosine(q, vectors.get(i)) + SECTION_WEIGHT * sectionCosine.get(all.get(i).section());
            Candidate c = all.get(i);
            double kind = 0;
            for (AnswerType t : types) {
                if (metNearby(t, c, byHit.get(c.hit()))) {
                    kind += TYPE_BONUS;
                } else if (t.isStrict()) {
                    kind -= TYPE_BONUS;
                }
            }
            double fragment = isFragment(c) ? FRAGMENT_PENALTY : 0;
            out[i] = meaning + LEXICAL_WEIGHT * lexical + prior + kind - fragment;
        }
        return out;
    }

    /**
     * The header row of the table a row at {@code offset} of {@code text} belongs to: the row above the table's rule
     * row, in the chunk, else in the source file; null when neither has it.
     */
    private static String tableHeader(String text, int offset, SourceText source, int line) {
        int lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
        boolean ruleSeen = false;
        int at = lineStart;
        while (at > 0) {
            int prevStart = text.lastIndexOf('\n', at - 2) + 1;
            String row = text.substring(prevStart, at - 1).strip();
            if (!row.startsWith("|")) {
                break;
            }
            if (SentenceKind.isRuleRow(row)) {
                ruleSeen = true;
            } else if (ruleSeen) {
                return row;
            }
            at = prevStart;
        }
        return source == null || line <= 0 ? null : source.tableHeader(line).orElse(null);
    }

    /** A table row's cells, each after its column's header ("default: 256"), for scoring; the row is quoted as is. */
    private static String labelled(String header, String row, String clean) {
        String[] names = cells(header);
        String[] values = cells(row);
        if (names.length != values.length) {
            return clean;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (values[i].isBlank()) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(names[i].isBlank() || names[i].equalsIgnoreCase(values[i]) ? "" : names[i] + ": ").append(values[i]);
        }
        return sb.toString();
    }

    private static String[] cells(String row) {
        String[] parts = row.strip().replaceAll("^\\|+|\\|+$", "").split("(?<!\\\\)\\|", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = MARKERS.matcher(parts[i]).replaceAll("").replace("`", "").strip();
        }
        return parts;
    }

    /** A sentence cut at the start of its chunk (the overlap began mid-sentence): it starts in lower case. */
    private static boolean isFragment(Candidate c) {
        if (c.kind() != SentenceKind.PROSE || c.sentence().start() > 0) {
            return false;
        }
        String t = c.clean();
        return !t.isEmpty() && Character.isLowerCase(t.codePointAt(0));
    }

    private SourceText source(Chunk chunk) {
        String path = chunk.metadata().get("path");
        if (root == null || path == null) {
            return null;
        }
        return SourceText.read(root.resolve(path)).orElse(null);
    }

    /** The text to embed and score: without list markers, citation markers or table pipes. */
    private static String clean(String text, SentenceKind kind) {
        String t = MARKERS.matcher(text.replaceAll("\\s+", " ")).replaceAll("").strip();
        t = LIST_MARKER.matcher(t).replaceFirst("");
        if (kind == SentenceKind.TABLE_ROW || kind == SentenceKind.TABLE_HEADER || kind == SentenceKind.QUESTION) {
            t = t.replaceAll("^\\|+|\\|+$", "").replaceAll("\\s*(?<!\\\\)\\|\\s*", "; ").strip();
        }
        return t;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private static String letters(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }
}
