package dev.llamakit.retrieval.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The analyzer of the {@code bm25} retriever: Anserini's {@code DefaultEnglishAnalyzer}, used for documents and
 * queries alike. {@link StandardTokenizer} → {@link EnglishPossessiveFilter} → {@link LowerCaseFilter} →
 * {@link StopFilter} with {@link EnglishAnalyzer#ENGLISH_STOP_WORDS_SET} (Lucene's 33 English stop words) →
 * {@link PorterStemFilter}. Stemming ({@link Stemmer#PORTER} or {@link Stemmer#NONE}) and stop-word removal can be
 * turned off. Thread-safe (Lucene reuses token streams per thread).
 */
public final class Bm25Analyzer extends Analyzer {

    /** The stemmer at the end of the chain. */
    public enum Stemmer {
        /** Lucene's {@link PorterStemFilter}, as Anserini's default {@code -stemmer porter}. */
        PORTER,
        /** No stemming. */
        NONE;

        /** The option value: {@code porter} or {@code none}. */
        public String optionValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code porter} or {@code none} (any case). */
        public static Stemmer parse(String value) {
            for (Stemmer s : values()) {
                if (s.optionValue().equalsIgnoreCase(value.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("option 'stemmer' must be porter or none, got '" + value + "'");
        }
    }

    private final Stemmer stemmer;
    private final boolean stopWords;

    /** Anserini's default: Porter stemming, stop words removed. */
    public Bm25Analyzer() {
        this(Stemmer.PORTER, true);
    }

    public Bm25Analyzer(Stemmer stemmer, boolean removeStopWords) {
        this.stemmer = Objects.requireNonNull(stemmer, "stemmer");
        this.stopWords = removeStopWords;
    }

    public Stemmer stemmer() {
        return stemmer;
    }

    /** Whether stop words are removed. */
    public boolean removesStopWords() {
        return stopWords;
    }

    /**
     * This configuration as a stable string, e.g. {@code standard+possessive+lowercase+stop+porter}; recorded in the
     * index so that an index is never searched with a different analysis than it was built with.
     */
    public String describe() {
        return "standard+possessive+lowercase" + (stopWords ? "+stop" : "")
                + (stemmer == Stemmer.PORTER ? "+porter" : "");
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        StandardTokenizer source = new StandardTokenizer();
        TokenStream result = new EnglishPossessiveFilter(source);
        result = new LowerCaseFilter(result);
        if (stopWords) {
            result = new StopFilter(result, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
        }
        if (stemmer == Stemmer.PORTER) {
            result = new PorterStemFilter(result);
        }
        return new TokenStreamComponents(source, result);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new LowerCaseFilter(in);
    }

    /** The terms of {@code text} in order, with repeats, as this analyzer indexes them. */
    public List<String> terms(String field, String text) {
        List<String> terms = new ArrayList<>();
        try (TokenStream ts = tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                terms.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysis of an in-memory string failed", e); // StringReader: cannot happen
        }
        return terms;
    }

    @Override
    public String toString() {
        return "Bm25Analyzer[" + describe() + "]";
    }
}
