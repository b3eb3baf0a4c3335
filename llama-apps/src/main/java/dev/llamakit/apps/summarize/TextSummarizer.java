package dev.llamakit.apps.summarize;

import dev.llamakit.apps.ArgumentChecks;
import dev.llamakit.apps.TextTooLongException;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.apps.text.CodeFences;
import dev.llamakit.retrieval.chunk.SentenceChunker;
import dev.llamakit.summarize.SummaryRequest;
import dev.llamakit.summarize.Summarizer;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The summarizer service: the seed guide's {@code summarize_text} (no instruction) and {@code custom_summarize}
 * (an instruction such as "in 3 bullet points focusing on solutions") over any {@link Summarizer}, for texts of
 * any length.
 *
 * <p><b>Map-reduce.</b> A text of at most {@link Builder#chunkTokens(int) chunkTokens} tokens is summarized in one
 * call. A longer one is split by a {@link SentenceChunker} (chunks of {@code chunkTokens}, no overlap), each chunk
 * is summarized (the <em>map</em> calls, each allowed {@code min(maxTokens, chunkTokens / 4)} tokens so that every
 * level shrinks the text about fourfold), and the chunk summaries, joined by blank lines, are summarized with the
 * caller's instruction (the <em>reduce</em> call). When the joined summaries are themselves longer than
 * {@code chunkTokens}, they are chunked and summarized again, level after level, until they fit.
 *
 * <p><b>Budget.</b> Every call costs the tokens of its text plus its {@code maxTokens}; the calls together may cost
 * at most {@link Builder#budgetTokens(int) budgetTokens}. The map level's cost is checked before the first call and
 * each further call before it is made; going over throws {@link IllegalStateException} naming the figures, so a
 * too-long text fails fast instead of spending most of the budget.
 *
 * <p>Token counts are estimates ({@link EstimatingTokenCounter} unless another counter is given). Thread-safe when
 * the summarizer is.
 */
public final class TextSummarizer {
    /** The default largest text summarized in one call. */
    public static final int DEFAULT_CHUNK_TOKENS = 8_000;
    /** The default budget of all calls of one summary. */
    public static final int DEFAULT_BUDGET_TOKENS = 1_000_000;
    /** The seed's {@code max_tokens} of {@code summarize_text}. */
    public static final int DEFAULT_SUMMARY_TOKENS = 150;
    /** The seed's {@code max_tokens} of {@code custom_summarize}. */
    public static final int DEFAULT_INSTRUCTED_SUMMARY_TOKENS = 200;
    private static final int MAX_LEVELS = 16;
    /** The longest summary sized to its text (offline, without an instruction or a set length). */
    public static final int MAX_SIZED_SUMMARY_TOKENS = 1_200;
    /** The default largest text an offline (extractive) summary reads whole (about 8 MB of English); longer ones go in pieces. */
    public static final int DEFAULT_OFFLINE_MAX_TOKENS = 2_000_000;
    private static final int MIN_SECTION_TOKENS = 40;

    private final Summarizer summarizer;
    private final int chunkTokens;
    private final int budgetTokens;
    private final Integer maxTokens;
    private final TokenCounter counter;
    private final SentenceChunker chunker;
    private final int offlineMaxTokens;

    private TextSummarizer(Builder b) {
        this.summarizer = b.summarizer;
        this.chunkTokens = b.chunkTokens;
        this.budgetTokens = b.budgetTokens;
        this.offlineMaxTokens = b.offlineMaxTokens;
        this.maxTokens = b.maxTokens;
        this.counter = b.counter != null ? b.counter : new EstimatingTokenCounter();
        this.chunker = SentenceChunker.builder().targetTokens(chunkTokens).overlapTokens(0).tokenCounter(counter).build();
    }

    /** A summarizer service with the defaults. */
    public static TextSummarizer of(Summarizer summarizer) {
        return builder(summarizer).build();
    }

    public static Builder builder(Summarizer summarizer) {
        return new Builder(summarizer);
    }

    /** Whether {@code summarizer} is extractive (offline: no model writes the summary). */
    public static boolean isExtractive(Summarizer summarizer) {
        return summarizer instanceof ExtractiveSummarizer;
    }

    /** Whether this service's summarizer is extractive. */
    public boolean isExtractive() {
        return isExtractive(summarizer);
    }

    public Summarizer summarizer() {
        return summarizer;
    }

    public int chunkTokens() {
        return chunkTokens;
    }

    public int budgetTokens() {
        return budgetTokens;
    }

    /**
     * Summarizes {@code text}, following {@code instructionOrNull} when given.
     *
     * @throws IllegalArgumentException when the text is blank
     * @throws IllegalStateException when summarizing would go over the token budget
     */
    public SummaryResult summarize(String text, String instructionOrNull) {
        return summarize(text, instructionOrNull, new Listener() { });
    }

    /**
     * What a summary is doing, for progress bars and streamed output: the map calls of each level as they finish,
     * then the last call, whose result is the summary. Called on the summarizing thread.
     */
    public interface Listener {
        /** {@code done} of the {@code total} parts of map level {@code level} (0 for the text's own chunks) are summarized. */
        default void partSummarized(int level, int done, int total) {
        }

        /** The call whose result is the summary is about to be made. */
        default void finalCall() {
        }
    }

    /** {@link #summarize(String, String)}, telling {@code listener} how far it got. */
    public SummaryResult summarize(String text, String instructionOrNull, Listener listener) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(listener, "listener");
        if (text.isBlank()) {
            throw new IllegalArgumentException("nothing to summarize: the text is empty");
        }
        String instruction = instructionOrNull == null || instructionOrNull.isBlank() ? null : instructionOrNull.strip();
        long total = counter.count(text);
        if (isExtractive() && total > offlineMaxTokens) {
            try {
                return summarizeInPieces(new StringReader(text), text.length(), instruction, listener);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a string cannot fail to be read
            }
        }
        int summaryTokens = summaryTokens(total, instruction);
        Spend spend = new Spend(listener);
        if (isExtractive() && instruction == null && maxTokens == null) {
            List<MarkdownSections.Section> sections = MarkdownSections.split(text);
            if (sections.size() >= 2 && total > 2L * DEFAULT_SUMMARY_TOKENS) {
                return bySection(sections, total, summaryTokens, spend);
            }
        }
        return mapReduce(text, instruction, summaryTokens, spend);
    }

    /** The length of the summary of a text of {@code total} tokens. */
    private int summaryTokens(long total, String instruction) {
        int summaryTokens = maxTokens != null ? maxTokens
                : instruction != null ? DEFAULT_INSTRUCTED_SUMMARY_TOKENS
                : isExtractive() ? sizedSummaryTokens(total) : DEFAULT_SUMMARY_TOKENS;
        Integer count = ExtractiveSummarizer.Plan.of(instruction).sentences();
        if (isExtractive() && maxTokens == null && count != null) {
            // "3 bullet points": three whole sentences, however long documentation sentences are
            summaryTokens = Math.max(summaryTokens, Math.min(MAX_SIZED_SUMMARY_TOKENS, count * 120));
        }
        return summaryTokens;
    }

    /**
     * Summarizes a text too long to hold whole, read piece by piece from {@code text}: what an offline summary does
     * with a text over {@link Builder#offlineMaxTokens(int) offlineMaxTokens}. Memory stays bounded by a few pieces,
     * whatever the length:
     * <ul>
     *   <li>the text is cut into pieces of about {@code chunkTokens} tokens ({@link TextPieces}: at a blank line, else
     *       at a sentence end; a fenced code block cut in two is closed and reopened), and each piece is summarized
     *       as it is read (the map calls, {@code min(summary length, chunkTokens / 4)} tokens each);</li>
     *   <li>the summaries are gathered level by level: when a level would grow past {@code chunkTokens}, what it
     *       holds is summarized into one summary of the next level, in the text's order;</li>
     *   <li>at the end the levels, earliest text first, are summarized like any text
     *       ({@link #summarize(String, String)}'s map-reduce) with the caller's instruction; without one (or a set
     *       length) the summary is sized to the whole text's tokens.</li>
     * </ul>
     * The listener hears level 0's pieces as they are summarized, with their expected number from
     * {@code expectedChars} (0 when unknown: the total is then 0). The reader is not closed.
     *
     * @param expectedChars the text's expected length in characters (e.g. a file's size), for progress only
     * @throws IOException when the text cannot be read
     */
    public SummaryResult summarizeInPieces(Reader text, long expectedChars, String instructionOrNull, Listener listener)
            throws IOException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(listener, "listener");
        String instruction = instructionOrNull == null || instructionOrNull.isBlank() ? null : instructionOrNull.strip();
        int pieceChars = pieceChars();
        int expectedPieces = expectedChars <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (expectedChars + pieceChars - 1) / pieceChars);
        int partTokens = Math.min(summaryTokens(MAX_SIZED_SUMMARY_TOKENS * 20L, instruction), Math.max(1, chunkTokens / 4));
        Spend spend = new Spend(listener);
        List<Level> levels = new ArrayList<>();
        TextPieces pieces = new TextPieces(text, pieceChars);
        long total = 0;
        int count = 0;
        for (String piece = pieces.next(); piece != null; piece = pieces.next()) {
            int tokens = counter.count(piece);
            total += tokens;
            count++;
            String summary = piece.isBlank() ? "" : summarizePart(piece, tokens, instruction, count - 1,
                    Math.max(count, expectedPieces), partTokens, spend);
            gather(levels, 0, summary, instruction, partTokens, spend);
            listener.partSummarized(0, count, expectedPieces == 0 ? 0 : Math.max(count, expectedPieces));
        }
        if (total == 0) {
            throw new IllegalArgumentException("nothing to summarize: the text is empty");
        }
        List<String> gathered = new ArrayList<>();
        for (int i = levels.size() - 1; i >= 0; i--) { // higher levels summarize earlier text
            gathered.addAll(levels.get(i).summaries);
        }
        String joined = String.join("\n\n", gathered.stream().filter(s -> !s.isBlank()).toList());
        if (joined.isBlank()) {
            throw new IllegalStateException("the summarizer returned only empty summaries");
        }
        SummaryResult last = mapReduce(joined, instruction, summaryTokens(total, instruction), spend);
        return new SummaryResult(last.summary(), isExtractive(), count, spend.calls);
    }

    /** The characters of a piece: about {@code chunkTokens} tokens of prose (at most a token per three characters). */
    int pieceChars() {
        return (int) Math.min(Integer.MAX_VALUE / 2, chunkTokens * 3L);
    }

    /** One level of summaries gathered while a text is read in pieces. */
    private static final class Level {
        final List<String> summaries = new ArrayList<>();
        long tokens;
    }

    /** Adds {@code summary} to level {@code at}, first summarizing the level into the next when it would overflow. */
    private void gather(List<Level> levels, int at, String summary, String instruction, int partTokens, Spend spend) {
        if (summary.isBlank()) {
            return;
        }
        if (at == levels.size()) {
            if (at >= MAX_LEVELS) {
                throw new IllegalStateException("the summaries did not fit after " + MAX_LEVELS + " levels; raise chunkTokens");
            }
            levels.add(new Level());
        }
        Level level = levels.get(at);
        int tokens = counter.count(summary);
        if (!level.summaries.isEmpty() && level.tokens + tokens > chunkTokens) {
            String joined = String.join("\n\n", level.summaries);
            String up = summarizePart(joined, counter.count(joined), instruction, 0, 1, partTokens, spend);
            level.summaries.clear();
            level.tokens = 0;
            gather(levels, at + 1, up, instruction, partTokens, spend);
        }
        level.summaries.add(summary);
        level.tokens += tokens;
    }

    /** A map call: part {@code index} of {@code count} summarized in {@code partTokens} tokens. */
    private String summarizePart(String part, int tokens, String instruction, int index, int count, int partTokens,
                                 Spend spend) {
        spend.charge(tokens + partTokens);
        return summarizer.summarize(new SummaryRequest(part, partInstruction(instruction, index, count), partTokens,
                null)).strip();
    }

    /**
     * The length of an offline summary without an instruction or a set length: a twentieth of the text, at least
     * the seed's {@value #DEFAULT_SUMMARY_TOKENS} and at most {@value #MAX_SIZED_SUMMARY_TOKENS} tokens.
     */
    static int sizedSummaryTokens(long textTokens) {
        return (int) Math.max(DEFAULT_SUMMARY_TOKENS, Math.min(MAX_SIZED_SUMMARY_TOKENS, textTokens / 20));
    }

    /** One summary per Markdown section, each sized to its share of the text, under the section's heading. */
    private SummaryResult bySection(List<MarkdownSections.Section> sections, long total, int summaryTokens, Spend spend) {
        StringBuilder out = new StringBuilder();
        for (MarkdownSections.Section section : sections) {
            long tokens = counter.count(section.body());
            int share = (int) Math.max(MIN_SECTION_TOKENS, summaryTokens * tokens / Math.max(1, total));
            String summary = section.body().isBlank() ? ""
                    : mapReduce(section.body(), null, share, spend).summary();
            if (summary.isBlank()) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append("\n\n");
            }
            if (!section.heading().isEmpty()) {
                out.append(section.heading()).append('\n');
            }
            out.append(summary);
        }
        return new SummaryResult(out.toString().strip(), true, sections.size(), spend.calls);
    }

    private SummaryResult mapReduce(String text, String instruction, int summaryTokens, Spend spend) {
        String current = text;
        int chunks = 1;
        for (int level = 0; ; level++) {
            int tokens = counter.count(current);
            if (tokens <= chunkTokens) {
                spend.charge(tokens + summaryTokens);
                spend.listener.finalCall();
                String summary = summarizer.summarize(new SummaryRequest(current, instruction, summaryTokens, null));
                return new SummaryResult(summary.strip(), isExtractive(), chunks, spend.calls);
            }
            if (level >= MAX_LEVELS) {
                throw new IllegalStateException("the summaries did not fit in " + chunkTokens + " tokens after "
                        + MAX_LEVELS + " levels; raise chunkTokens");
            }
            // a part cut inside a code block is closed, the next reopened: code stays code when a part is read alone
            List<String> parts = CodeFences.closeAcross(chunker.chunk(Document.of("text", current)).stream()
                    .map(Chunk::text).filter(t -> !t.isBlank()).toList());
            if (level == 0) {
                chunks = parts.size();
            }
            int partTokens = Math.min(summaryTokens, Math.max(1, chunkTokens / 4));
            long levelCost = 0;
            for (String part : parts) {
                levelCost += counter.count(part) + partTokens;
            }
            spend.check(levelCost);
            List<String> summaries = new ArrayList<>(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                String part = parts.get(i);
                spend.charge(counter.count(part) + partTokens);
                summaries.add(summarizer.summarize(new SummaryRequest(part, partInstruction(instruction, i, parts.size()),
                        partTokens, null)).strip());
                spend.listener.partSummarized(level, i + 1, parts.size());
            }
            String joined = String.join("\n\n", summaries.stream().filter(s -> !s.isBlank()).toList());
            if (joined.isBlank()) {
                throw new IllegalStateException("the summarizer returned only empty summaries");
            }
            if (counter.count(joined) >= tokens) {
                throw new IllegalStateException("the chunk summaries (" + counter.count(joined)
                        + " tokens) are not shorter than the text they summarize (" + tokens
                        + " tokens); raise chunkTokens or lower the summary length");
            }
            current = joined;
        }
    }

    /** The instruction of a map call: none without a user instruction (the seed's plain prompt), else the user's in context. */
    static String partInstruction(String instruction, int index, int count) {
        if (instruction == null) {
            return null;
        }
        return "This is part " + (index + 1) + " of " + count + " of a longer text. Summarize it concisely, keeping "
                + "what the final summary needs for this request: " + instruction;
    }

    /** One summary's spending, and who hears how far it got. */
    private final class Spend {
        final Listener listener;
        long spent;
        int calls;

        Spend(Listener listener) {
            this.listener = listener;
        }

        void check(long cost) {
            // offline, nothing is paid for: the text's length is checked once, up front
            if (!isExtractive() && spent + cost > budgetTokens) {
                throw new TextTooLongException("summarizing this text with a model would send about " + (spent + cost)
                        + " tokens, over the budget of " + budgetTokens + " tokens for one summary; summarize a part of "
                        + "it, or summarize offline", spent + cost, budgetTokens);
            }
        }

        void charge(long cost) {
            check(cost);
            spent += cost;
            calls++;
        }
    }

    /** Builds a {@link TextSummarizer}. */
    public static final class Builder {
        private final Summarizer summarizer;
        private int chunkTokens = DEFAULT_CHUNK_TOKENS;
        private int budgetTokens = DEFAULT_BUDGET_TOKENS;
        private int offlineMaxTokens = DEFAULT_OFFLINE_MAX_TOKENS;
        private Integer maxTokens;
        private TokenCounter counter;

        private Builder(Summarizer summarizer) {
            this.summarizer = Objects.requireNonNull(summarizer, "summarizer");
        }

        /** The largest text summarized in one call (default {@value #DEFAULT_CHUNK_TOKENS}); at least 16. */
        public Builder chunkTokens(int chunkTokens) {
            this.chunkTokens = ArgumentChecks.atLeast("chunkTokens", chunkTokens, 16);
            return this;
        }

        /** The most tokens all calls of one summary may cost (default {@value #DEFAULT_BUDGET_TOKENS}). */
        public Builder budgetTokens(int budgetTokens) {
            this.budgetTokens = ArgumentChecks.positive("budgetTokens", budgetTokens);
            return this;
        }

        /**
         * The largest text an extractive (offline) summary reads whole (default {@value #DEFAULT_OFFLINE_MAX_TOKENS}):
         * it costs no tokens, so {@code budgetTokens} does not apply, but memory grows with the text; a longer text
         * is summarized in pieces ({@link #summarizeInPieces}).
         */
        public Builder offlineMaxTokens(int offlineMaxTokens) {
            this.offlineMaxTokens = ArgumentChecks.positive("offlineMaxTokens", offlineMaxTokens);
            return this;
        }

        /**
         * The length limit of every summary (default: the seed's 150 tokens without an instruction, 200 with one).
         */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = ArgumentChecks.positive("maxTokens", maxTokens);
            return this;
        }

        /** The counter that measures texts (default: a private {@link EstimatingTokenCounter}). */
        public Builder tokenCounter(TokenCounter counter) {
            this.counter = Objects.requireNonNull(counter, "counter");
            return this;
        }

        public TextSummarizer build() {
            return new TextSummarizer(this);
        }
    }
}
