package dev.llamakit.retrieval.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SentenceChunkerTest {

    /** One token per whitespace-separated word: makes sizes and overlaps exact in the tests. */
    static final TokenCounter WORDS = new TokenCounter() {
        @Override
        public int count(String text) {
            String t = text.strip();
            return t.isEmpty() ? 0 : t.split("\\s+").length;
        }

        @Override
        public int count(Message message) {
            return count(message.text());
        }
    };

    static SentenceChunker words(int target, int overlap) {
        return SentenceChunker.builder().targetTokens(target).overlapTokens(overlap).tokenCounter(WORDS).build();
    }

    static String numbered(int n) {
        return IntStream.range(0, n).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    @Test
    void aShortTextIsOneTrimmedChunkWithExactOffsets() {
        Document doc = Document.builder("d1").title("T").text("  Hello world. Bye.\n").metadata("lang", "en").build();
        List<Chunk> chunks = SentenceChunker.defaults().chunk(doc);
        assertThat(chunks).hasSize(1);
        Chunk c = chunks.get(0);
        assertThat(c.id()).isEqualTo("d1#0");
        assertThat(c.documentId()).isEqualTo("d1");
        assertThat(c.index()).isZero();
        assertThat(c.title()).isEqualTo("T");
        assertThat(c.metadata()).isEqualTo(Map.of("lang", "en"));
        assertThat(c.text()).isEqualTo("Hello world. Bye.");
        assertThat(c.start()).isEqualTo(2);
        assertThat(c.end()).isEqualTo(19);
        assertInvariants(doc, chunks, SentenceChunker.defaults());
    }

    @Test
    void aTitleOnlyDocumentGivesOneEmptyChunk() {
        for (String blank : new String[] {"", "   \n\t "}) {
            Document doc = Document.builder("t").title("Only a title").text(blank).build();
            List<Chunk> chunks = SentenceChunker.defaults().chunk(doc);
            assertThat(chunks).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo("t#0");
                assertThat(c.text()).isEmpty();
                assertThat(c.start()).isZero();
                assertThat(c.end()).isZero();
                assertThat(c.title()).isEqualTo("Only a title");
            });
        }
    }

    @Test
    void textWithoutPunctuationIsCutAtWordBoundariesWithExactOverlap() {
        Document doc = Document.of("d", numbered(50));
        List<Chunk> chunks = words(10, 3).chunk(doc);
        // 10 words each, the next starting 3 words back: w0-w9, w7-w16, w14-w23, ...
        assertThat(chunks).extracting(c -> c.text().split(" ")[0])
                .containsExactly("w0", "w7", "w14", "w21", "w28", "w35", "w42");
        for (Chunk c : chunks.subList(0, chunks.size() - 1)) {
            assertThat(WORDS.count(c.text())).isEqualTo(10);
        }
        assertThat(chunks.get(chunks.size() - 1).text()).endsWith("w49");
        assertInvariants(doc, chunks, words(10, 3));
    }

    @Test
    void withoutOverlapChunksTileTheText() {
        Document doc = Document.of("d", numbered(25));
        List<Chunk> chunks = words(10, 0).chunk(doc);
        assertThat(chunks).extracting(Chunk::text)
                .containsExactly(numbered(10), "w10 w11 w12 w13 w14 w15 w16 w17 w18 w19", "w20 w21 w22 w23 w24");
    }

    @Test
    void overlapIsMeasuredInTokensAndIsAsLargeAsItMayBe() {
        // with the estimating counter, words differ in tokens: the overlap stays within its bound, and one more
        // word would break it
        StringBuilder sb = new StringBuilder();
        Random r = new Random(7);
        for (int i = 0; i < 400; i++) {
            sb.append("x".repeat(1 + r.nextInt(14))).append(r.nextInt(6) == 0 ? ", " : " ");
        }
        Document doc = Document.of("d", sb.toString());
        EstimatingTokenCounter counter = new EstimatingTokenCounter();
        SentenceChunker chunker = SentenceChunker.builder().targetTokens(40).overlapTokens(12).tokenCounter(counter).build();
        List<Chunk> chunks = chunker.chunk(doc);
        assertThat(chunks).hasSizeGreaterThan(5);
        for (int i = 1; i < chunks.size(); i++) {
            Chunk prev = chunks.get(i - 1);
            Chunk next = chunks.get(i);
            assertThat(next.start()).isGreaterThan(prev.start()).isLessThan(prev.end());
            String overlap = doc.text().substring(next.start(), prev.end());
            assertThat(counter.count(overlap)).isLessThanOrEqualTo(12);
            int earlier = previousWordStart(doc.text(), next.start());
            if (earlier > prev.start()) {
                assertThat(counter.count(doc.text().substring(earlier, prev.end()))).isGreaterThan(12);
            }
        }
        assertInvariants(doc, chunks, chunker);
    }

    @Test
    void chunksEndOnSentenceEndsWhenWholeSentencesFit() {
        String text = "One two three four. Five six seven. Eight nine ten eleven twelve. Thirteen fourteen.";
        Document doc = Document.of("d", text);
        List<Chunk> chunks = words(8, 0).chunk(doc);
        assertThat(chunks).extracting(Chunk::text).containsExactly("One two three four. Five six seven.",
                "Eight nine ten eleven twelve. Thirteen fourteen.");
        assertInvariants(doc, chunks, words(8, 0));
    }

    @Test
    void aSentenceLongerThanTheTargetIsCutAtWords() {
        // (the JDK's sentence rules need a capital after the full stop)
        String text = "Short one. Then " + numbered(23) + " end. Tail sentence here.";
        Document doc = Document.of("d", text);
        List<Chunk> chunks = words(10, 0).chunk(doc);
        assertThat(chunks).extracting(Chunk::text).containsExactly("Short one.", "Then " + numbered(9),
                "w9 w10 w11 w12 w13 w14 w15 w16 w17 w18", "w19 w20 w21 w22 end. Tail sentence here.");
        assertInvariants(doc, chunks, words(10, 0));
    }

    @Test
    void paragraphBreaksEndSentencesEvenWithoutPunctuation() {
        String text = "A heading without a stop\r\n\r\nThe body has words and more words here";
        Document doc = Document.of("d", text);
        List<Chunk> chunks = words(10, 0).chunk(doc);
        assertThat(chunks).extracting(Chunk::text)
                .containsExactly("A heading without a stop", "The body has words and more words here");
        assertInvariants(doc, chunks, words(10, 0));
    }

    @Test
    void aGiantWordBecomesItsOwnChunkAndIsNeverCut() {
        String giant = "https://example.com/" + "a1b2c3d4".repeat(200);
        String text = "Before the link there are words. " + giant + " and after it more words follow here.";
        Document doc = Document.of("d", text);
        SentenceChunker chunker = SentenceChunker.builder().targetTokens(20).overlapTokens(5).build();
        List<Chunk> chunks = chunker.chunk(doc);
        assertThat(chunks).extracting(Chunk::text).contains(giant);
        Chunk g = chunks.stream().filter(c -> c.text().equals(giant)).findFirst().orElseThrow();
        assertThat(g.start()).isEqualTo(text.indexOf(giant));
        assertThat(chunks).filteredOn(c -> c != g).allSatisfy(c -> assertThat(c.text()).doesNotContain("a1b2"));
        assertInvariants(doc, chunks, chunker);

        // a text that is one giant word
        Document only = Document.of("g", giant);
        assertThat(chunker.chunk(only)).extracting(Chunk::text).containsExactly(giant);
    }

    @Test
    void crlfTabsAndUnicodeKeepExactOffsets() {
        String text = "Crème brûlée é déjà vu.\r\nNaïve café — “quotes”; ünïcödé.\r\n\tΚαλημέρα κόσμε! Привет, мир? "
                + "Emoji 😀😀 and 🇫🇷 flags. 中文句子没有空格但是很长很长很长很长很长很长很长很长。日本語の文章です。";
        Document doc = Document.of("u", text);
        for (int target = 1; target <= 30; target++) {
            for (int overlap : new int[] {0, target / 3, target - 1}) {
                SentenceChunker chunker = SentenceChunker.builder().targetTokens(target).overlapTokens(overlap).build();
                assertInvariants(doc, chunker.chunk(doc), chunker);
            }
        }
    }

    @Test
    void textWithoutSpacesInChineseIsCutBetweenIdeographs() {
        String text = "中".repeat(300);
        Document doc = Document.of("zh", text);
        SentenceChunker chunker = SentenceChunker.builder().targetTokens(20).overlapTokens(0).build();
        List<Chunk> chunks = chunker.chunk(doc);
        assertThat(chunks).hasSizeGreaterThan(10);
        assertThat(chunks.stream().mapToInt(c -> c.text().length()).sum()).isEqualTo(300);
        assertInvariants(doc, chunks, chunker);
    }

    @Test
    void isDeterministic() {
        Document doc = Document.of("d", randomText(new Random(3), 3000));
        SentenceChunker chunker = SentenceChunker.of(50, 10);
        assertThat(chunker.chunk(doc)).isEqualTo(chunker.chunk(doc)).isEqualTo(SentenceChunker.of(50, 10).chunk(doc));
    }

    @Test
    void builderValidates() {
        assertThatThrownBy(() -> SentenceChunker.builder().targetTokens(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("targetTokens");
        assertThatThrownBy(() -> SentenceChunker.builder().overlapTokens(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overlapTokens");
        assertThatThrownBy(() -> SentenceChunker.of(10, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smaller than targetTokens");
        assertThatThrownBy(() -> SentenceChunker.builder().targetTokens(5).build())
                .isInstanceOf(IllegalArgumentException.class); // default overlap 32 >= 5
        assertThat(SentenceChunker.of(1, 0).targetTokens()).isEqualTo(1);
        assertThatThrownBy(() -> SentenceChunker.builder().tokenCounter(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void propertyRandomTextsKeepEveryInvariant() {
        Random r = new Random(20261125L);
        for (int round = 0; round < 400; round++) {
            String text = randomText(r, r.nextInt(1500));
            if (text.isBlank()) {
                continue;
            }
            int target = 1 + r.nextInt(r.nextBoolean() ? 12 : 80);
            int overlap = r.nextInt(target);
            boolean byWords = r.nextBoolean();
            SentenceChunker chunker = byWords ? words(target, overlap)
                    : SentenceChunker.builder().targetTokens(target).overlapTokens(overlap).build();
            Document doc = Document.builder("r" + round).title("t").text(text).build();
            List<Chunk> chunks = chunker.chunk(doc);
            assertInvariants(doc, chunks, chunker);
        }
    }

    static final String[] PIECES = {"alpha", "b", "cd", "Éxämple", "naïve", "Привет", "κόσμε", "中文", "日本語", "😀",
            "x😀y", "e\u0301", "don't", "e-mail", "3.14", "U.S.", "(paren)", "\"quote\"", "a\u00a0b"};
    static final String[] SEPARATORS = {" ", " ", " ", " ", "  ", "\n", "\r\n", "\n\n", "\r\n\r\n", "\t", ", ", ". ",
            "! ", "? ", "; ", "。", ".\n", " \u2029 "};

    static String randomText(Random r, int approxChars) {
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(5) == 0) {
            sb.append(SEPARATORS[r.nextInt(SEPARATORS.length)]);
        }
        while (sb.length() < approxChars) {
            if (r.nextInt(60) == 0) {
                sb.append("Z".repeat(50 + r.nextInt(400))); // an oversize word
            } else {
                sb.append(PIECES[r.nextInt(PIECES.length)]);
            }
            sb.append(SEPARATORS[r.nextInt(SEPARATORS.length)]);
        }
        return sb.toString();
    }

    static int previousWordStart(String text, int from) {
        int i = from - 1;
        while (i >= 0 && Character.isWhitespace(text.charAt(i))) {
            i--;
        }
        while (i >= 0 && !Character.isWhitespace(text.charAt(i))) {
            i--;
        }
        return i + 1;
    }

    /** Every rule a chunk list must keep, whatever the text. */
    static void assertInvariants(Document doc, List<Chunk> chunks, SentenceChunker chunker) {
        String text = doc.text();
        assertThat(chunks).isNotEmpty();
        TokenCounter counter = chunker.tokenCounter();
        boolean[] covered = new boolean[text.length()];
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            String where = "chunk " + i + " " + c + " of " + text;
            assertThat(c.index()).as(where).isEqualTo(i);
            assertThat(c.id()).as(where).isEqualTo(Chunk.idOf(doc.id(), i));
            assertThat(c.documentId()).isEqualTo(doc.id());
            assertThat(c.title()).isEqualTo(doc.title());
            assertThat(c.metadata()).isEqualTo(doc.metadata());
            assertThat(c.text()).as(where).isEqualTo(text.substring(c.start(), c.end()));
            assertThat(c.text()).as(where).isNotEmpty();
            assertThat(Character.isWhitespace(c.text().codePointAt(0))).as(where).isFalse();
            assertThat(Character.isWhitespace(c.text().codePointBefore(c.text().length()))).as(where).isFalse();
            assertNotInsideAWord(text, c.start(), where);
            assertNotInsideAWord(text, c.end(), where);
            if (counter.count(c.text()) > chunker.targetTokens()) {
                assertThat(isOneWord(c.text())).as("oversize chunk must be a single word: " + where).isTrue();
            }
            if (i > 0) {
                Chunk prev = chunks.get(i - 1);
                assertThat(c.start()).as(where).isGreaterThan(prev.start());
                assertThat(c.end()).as(where).isGreaterThan(prev.end());
                if (c.start() < prev.end()) {
                    assertThat(counter.count(text.substring(c.start(), prev.end()))).as("overlap of " + where)
                            .isLessThanOrEqualTo(chunker.overlapTokens());
                } else {
                    assertThat(text.substring(prev.end(), c.start())).as("gap before " + where).isBlank();
                }
            }
            for (int k = c.start(); k < c.end(); k++) {
                covered[k] = true;
            }
        }
        for (int k = 0; k < text.length(); k++) {
            if (!covered[k]) {
                assertThat(Character.isWhitespace(text.charAt(k)))
                        .as("uncovered non-whitespace at " + k + " in " + text).isTrue();
            }
        }
    }

    static boolean isOneWord(String s) {
        int prev = -1;
        for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
            int cp = s.codePointAt(i);
            if (Character.isWhitespace(cp) || prev != -1 && Character.isIdeographic(prev) && Character.isIdeographic(cp)) {
                return false;
            }
            prev = cp;
        }
        return true;
    }

    static void assertNotInsideAWord(String text, int at, String where) {
        if (at == 0 || at == text.length()) {
            return;
        }
        char before = text.charAt(at - 1);
        char after = text.charAt(at);
        assertThat(Character.isHighSurrogate(before) && Character.isLowSurrogate(after)).as("splits a pair: " + where)
                .isFalse();
        int cpBefore = text.codePointBefore(at);
        int cpAfter = text.codePointAt(at);
        boolean bothIdeographs = Character.isIdeographic(cpBefore) && Character.isIdeographic(cpAfter);
        boolean wordChars = Character.isLetterOrDigit(cpBefore) && Character.isLetterOrDigit(cpAfter)
                || Character.getType(cpAfter) == Character.NON_SPACING_MARK;
        assertThat(wordChars && !bothIdeographs).as("cut inside a word at " + at + ": " + where).isFalse();
    }

    @Test
    void chunkingOptionsReadTheSharedKeys() {
        var none = ChunkingOptions.chunker(dev.llamakit.spi.ProviderOptions.EMPTY, "x");
        Document doc = Document.of("d", numbered(600));
        assertThat(none.chunk(doc)).singleElement().isEqualTo(Chunk.whole(doc));
        var sentence = ChunkingOptions.chunker(dev.llamakit.spi.ProviderOptions.of(Map.of("chunking", "sentence",
                "chunk-tokens", "100", "chunk-overlap", "10")), "x");
        assertThat(sentence).isInstanceOfSatisfying(SentenceChunker.class, s -> {
            assertThat(s.targetTokens()).isEqualTo(100);
            assertThat(s.overlapTokens()).isEqualTo(10);
        });
        assertThat(ChunkingOptions.chunker(dev.llamakit.spi.ProviderOptions.of(Map.of("chunking", "sentence",
                "chunk-tokens", "8")), "x")).isInstanceOfSatisfying(SentenceChunker.class,
                        s -> assertThat(s.overlapTokens()).isEqualTo(2));
        List<Map<String, String>> bad = new ArrayList<>();
        bad.add(Map.of("chunking", "paragraph"));
        bad.add(Map.of("chunk-tokens", "100"));
        bad.add(Map.of("chunking", "sentence", "chunk-tokens", "0"));
        bad.add(Map.of("chunking", "sentence", "chunk-tokens", "10", "chunk-overlap", "10"));
        bad.add(Map.of("chunking", "sentence", "chunk-tokens", "ten"));
        for (Map<String, String> b : bad) {
            assertThatThrownBy(() -> ChunkingOptions.chunker(dev.llamakit.spi.ProviderOptions.of(b), "keyword"))
                    .as(b.toString()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunk");
        }
    }
}
