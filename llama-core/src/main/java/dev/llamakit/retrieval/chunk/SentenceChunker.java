package dev.llamakit.retrieval.chunk;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The default {@link Chunker}: packs whole sentences into chunks of at most {@code targetTokens} tokens, with about
 * {@code overlapTokens} tokens of the previous chunk repeated at the start of the next one.
 *
 * <p><b>Units.</b> The text is cut into sentences by {@link BreakIterator#getSentenceInstance(Locale)} (plus a
 * sentence end at every paragraph break: a whitespace run holding two or more line breaks, {@code \r\n} counting as
 * one), and sentences into <em>words</em>: maximal runs of non-whitespace characters ({@link
 * Character#isWhitespace(int)}, so a no-break space joins), with a further boundary between two adjacent ideographs
 * ({@link Character#isIdeographic(int)}), so that Chinese or Japanese text without spaces can still be cut. A chunk
 * is always a whole number of words: it starts at the first character of a word and ends after the last character
 * of a word, so it is never cut inside a word, never starts or ends with whitespace, and never splits a surrogate
 * pair.
 *
 * <p><b>Packing.</b> From its first word a chunk takes the longest run of words whose text counts at most
 * {@code targetTokens} with the {@link TokenCounter}, then gives back the words after the last sentence end in that
 * run, if there is one (so chunks end on sentence ends whenever a whole sentence fits). A sentence longer than the
 * target is cut at word boundaries; text without sentence punctuation is thereby cut at word boundaries too. A single
 * word longer than the target (a long URL, a base64 blob) becomes a chunk of its own, the only case where a chunk
 * exceeds the target.
 *
 * <p><b>Overlap.</b> The next chunk starts at the earliest word of the previous chunk (but not its first) such that
 * the text from there to the previous chunk's end counts at most {@code overlapTokens} tokens; when that leaves no
 * room to move past the previous chunk (the next word is an oversize one) the overlap is dropped. So overlap is a
 * whole number of words, at most {@code overlapTokens} tokens, and as long as that bound allows.
 *
 * <p><b>Offsets.</b> Every chunk's text is exactly {@code document.text().substring(chunk.start(), chunk.end())}.
 * Chunk ids are {@link Chunk#idOf(String, int)} ({@code <documentId>#<index>}, numbered from 0); each chunk carries
 * the document's title and metadata.
 *
 * <p><b>Blank text.</b> A document whose text is empty or only whitespace (it then has a title: {@link Document}
 * forbids documents with neither) gives one chunk with empty text at offsets {@code [0, 0)}, so that its title stays
 * searchable and {@code count()} agrees with what was upserted.
 *
 * <p>Counting assumes the counter is monotone (a longer text never counts fewer tokens), which every sane counter is;
 * chunk boundaries are found by exponential and binary search, so a chunk costs O(log n) counts of texts at most
 * twice its length. Deterministic (for a counter whose counts do not change: the default is a private, never
 * calibrated {@link EstimatingTokenCounter}) and thread-safe.
 */
public final class SentenceChunker implements Chunker {
    /** The default chunk size in tokens. */
    public static final int DEFAULT_TARGET_TOKENS = 256;
    /** The default overlap in tokens. */
    public static final int DEFAULT_OVERLAP_TOKENS = 32;

    private final int targetTokens;
    private final int overlapTokens;
    private final TokenCounter counter;
    private final Locale locale;

    private SentenceChunker(Builder b) {
        this.targetTokens = b.targetTokens;
        this.overlapTokens = b.overlapTokens;
        this.counter = b.counter != null ? b.counter : new EstimatingTokenCounter();
        this.locale = b.locale;
    }

    /** A chunker with the defaults: {@value #DEFAULT_TARGET_TOKENS} tokens, {@value #DEFAULT_OVERLAP_TOKENS} overlap. */
    public static SentenceChunker defaults() {
        return builder().build();
    }

    /** A chunker of {@code targetTokens} tokens with {@code overlapTokens} overlap and the default counter. */
    public static SentenceChunker of(int targetTokens, int overlapTokens) {
        return builder().targetTokens(targetTokens).overlapTokens(overlapTokens).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int targetTokens() {
        return targetTokens;
    }

    public int overlapTokens() {
        return overlapTokens;
    }

    public TokenCounter tokenCounter() {
        return counter;
    }

    @Override
    public List<Chunk> chunk(Document document) {
        Objects.requireNonNull(document, "document");
        String text = document.text();
        Words words = Words.of(text, locale);
        List<Chunk> chunks = new ArrayList<>();
        if (words.size() == 0) {
            chunks.add(chunk(document, 0, 0, 0));
            return chunks;
        }
        new Packer(text, words).run(document, chunks);
        return chunks;
    }

    private Chunk chunk(Document d, int index, int start, int end) {
        return new Chunk(Chunk.idOf(d.id(), index), d.id(), index, d.title(), d.text().substring(start, end), start,
                end, d.metadata());
    }

    @Override
    public String toString() {
        return "SentenceChunker[target=" + targetTokens + ", overlap=" + overlapTokens + ", counter="
                + counter.getClass().getSimpleName() + "]";
    }

    /** One document's packing state. */
    private final class Packer {
        private final String text;
        private final Words w;
        private final int n;

        Packer(String text, Words words) {
            this.text = text;
            this.w = words;
            this.n = words.size();
        }

        private int tokens(int fromWord, int toWord) {
            return counter.count(text.substring(w.start[fromWord], w.end[toWord]));
        }

        /** The last word b >= a such that words a..b fit the target; a itself when word a alone is oversize. */
        private int furthest(int a) {
            if (tokens(a, a) > targetTokens) {
                return a;
            }
            int lo = a; // fits
            int hi = -1; // does not fit (or n)
            int step = 1;
            while (true) {
                int probe = a + step;
                if (probe >= n) {
                    hi = n;
                    break;
                }
                if (tokens(a, probe) <= targetTokens) {
                    lo = probe;
                    step *= 2;
                } else {
                    hi = probe;
                    break;
                }
            }
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (tokens(a, mid) <= targetTokens) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** The first word j in (a, b] such that words j..b count at most the overlap; b + 1 when none. */
        private int overlapStart(int a, int b) {
            if (overlapTokens == 0 || b <= a || tokens(b, b) > overlapTokens) {
                return b + 1;
            }
            int lo = a; // j = lo is not allowed (or does not fit)
            int hi = b; // fits
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (tokens(mid, b) <= overlapTokens) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return hi;
        }

        void run(Document document, List<Chunk> out) {
            int a = 0;
            int prevEnd = -1; // last word of the previous chunk
            while (true) {
                int max = furthest(a);
                if (max <= prevEnd) {
                    // the overlap leaves no room for the next word: drop it
                    a = prevEnd + 1;
                    max = furthest(a);
                }
                int b = max;
                int lowest = Math.max(a, prevEnd + 1);
                for (int k = max; k >= lowest; k--) {
                    if (w.sentenceEnd[k]) {
                        b = k;
                        break;
                    }
                }
                if (b != max && b > a && tokens(a, b) > targetTokens) {
                    b = max; // a counter that is not monotone: keep the run that was counted
                }
                out.add(chunk(document, out.size(), w.start[a], w.end[b]));
                if (b == n - 1) {
                    return;
                }
                prevEnd = b;
                a = overlapStart(a, b);
            }
        }
    }

    /** The words of a text: their offsets, and whether a sentence ends after each. */
    static final class Words {
        final int[] start;
        final int[] end;
        final boolean[] sentenceEnd;
        private final int size;

        private Words(int[] start, int[] end, boolean[] sentenceEnd, int size) {
            this.start = start;
            this.end = end;
            this.sentenceEnd = sentenceEnd;
            this.size = size;
        }

        int size() {
            return size;
        }

        static Words of(String text, Locale locale) {
            int len = text.length();
            int[] starts = new int[16];
            int[] ends = new int[16];
            boolean[] sentEnd = new boolean[16];
            int count = 0;
            BreakIterator sentences = BreakIterator.getSentenceInstance(locale);
            sentences.setText(text);
            int s = sentences.first();
            for (int e = sentences.next(); e != BreakIterator.DONE; s = e, e = sentences.next()) {
                // one sentence [s, e): its words, with extra sentence ends at paragraph breaks
                int i = s;
                while (i < e) {
                    int cp = text.codePointAt(i);
                    if (Character.isWhitespace(cp)) {
                        int runStart = i;
                        while (i < e && Character.isWhitespace(text.codePointAt(i))) {
                            i += Character.charCount(text.codePointAt(i));
                        }
                        if (count > 0 && isParagraphBreak(text, runStart, i)) {
                            sentEnd[count - 1] = true;
                        }
                        continue;
                    }
                    int wordStart = i;
                    int prev = -1;
                    while (i < e) {
                        int c = text.codePointAt(i);
                        if (Character.isWhitespace(c)) {
                            break;
                        }
                        if (prev != -1 && Character.isIdeographic(prev) && Character.isIdeographic(c)) {
                            break;
                        }
                        prev = c;
                        i += Character.charCount(c);
                    }
                    if (count == starts.length) {
                        starts = Arrays.copyOf(starts, count * 2);
                        ends = Arrays.copyOf(ends, count * 2);
                        sentEnd = Arrays.copyOf(sentEnd, count * 2);
                    }
                    starts[count] = wordStart;
                    ends[count] = i;
                    sentEnd[count] = false;
                    count++;
                }
                if (count > 0 && ends[count - 1] <= e && starts[count - 1] >= s) {
                    sentEnd[count - 1] = true;
                }
            }
            return new Words(starts, ends, sentEnd, count);
        }

        private static boolean isParagraphBreak(String text, int from, int to) {
            int breaks = 0;
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c == '\u2029') {
                    return true;
                }
                if (c == '\n' || c == '\u2028' || c == '\u000B' || c == '\f'
                        || c == '\r' && (i + 1 >= to || text.charAt(i + 1) != '\n')) {
                    breaks++;
                }
            }
            return breaks >= 2;
        }
    }

    /** Builds a {@link SentenceChunker}. */
    public static final class Builder {
        private int targetTokens = DEFAULT_TARGET_TOKENS;
        private int overlapTokens = DEFAULT_OVERLAP_TOKENS;
        private TokenCounter counter;
        private Locale locale = Locale.ROOT;

        private Builder() {
        }

        /** The largest chunk in tokens (default {@value #DEFAULT_TARGET_TOKENS}); at least 1. */
        public Builder targetTokens(int targetTokens) {
            if (targetTokens < 1) {
                throw new IllegalArgumentException("targetTokens must be at least 1, got " + targetTokens);
            }
            this.targetTokens = targetTokens;
            return this;
        }

        /** Tokens repeated from the end of one chunk at the start of the next (default {@value #DEFAULT_OVERLAP_TOKENS}); 0 for none. */
        public Builder overlapTokens(int overlapTokens) {
            if (overlapTokens < 0) {
                throw new IllegalArgumentException("overlapTokens must not be negative, got " + overlapTokens);
            }
            this.overlapTokens = overlapTokens;
            return this;
        }

        /**
         * The counter that measures chunks (default: a private {@link EstimatingTokenCounter}). For deterministic
         * chunks, pass a counter that is not being calibrated while documents are chunked.
         */
        public Builder tokenCounter(TokenCounter counter) {
            this.counter = Objects.requireNonNull(counter, "counter");
            return this;
        }

        /** The locale of the sentence rules (default {@link Locale#ROOT}). */
        public Builder locale(Locale locale) {
            this.locale = Objects.requireNonNull(locale, "locale");
            return this;
        }

        /**
         * Builds the chunker.
         *
         * @throws IllegalArgumentException unless {@code 0 <= overlapTokens < targetTokens}
         */
        public SentenceChunker build() {
            if (overlapTokens >= targetTokens) {
                throw new IllegalArgumentException("overlapTokens (" + overlapTokens
                        + ") must be smaller than targetTokens (" + targetTokens + ")");
            }
            return new SentenceChunker(this);
        }
    }
}
