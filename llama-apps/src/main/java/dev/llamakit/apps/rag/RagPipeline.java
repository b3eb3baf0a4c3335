package dev.llamakit.apps.rag;

import dev.llamakit.apps.ArgumentChecks;
import dev.llamakit.apps.text.Sentences;
import dev.llamakit.apps.text.Headings;
import dev.llamakit.apps.text.SourceText;
import dev.llamakit.apps.text.SupportingSentences;
import dev.llamakit.embed.Embedder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.rerank.Reranker;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Retrieval-augmented answers with citations: the seed guide's {@code simple_rag_system} over any
 * {@link Retriever}.
 *
 * <ol>
 *   <li>The retriever finds the top {@code candidates} chunks for the question (default {@code topK}); the
 *       {@link Reranker} (e.g. {@code mmr}, {@code llm} from {@link dev.llamakit.retrieval.rerank.Rerankers}) keeps
 *       the best {@code topK} of them in its order; they become sources 1, 2, ... in that order. No hit: the answer is {@value #NO_SOURCES} and no
 *       model is called.</li>
 *   <li><b>With a model</b>: the user message holds numbered context blocks {@code "[n] (title) text"} separated by
 *       blank lines, then {@code "Question: " + question}; the system message is {@value #SYSTEM_PROMPT}. The
 *       reply's markers are read and renumbered by {@link Citations}: sources in order of first citation, markers
 *       pointing at no source reported in {@link RagAnswer#invalidMarkers()} and removed.</li>
 *   <li><b>Offline</b>: the best-supported sentences of the retrieved chunks ({@link SupportingSentences}, at most
 *       {@value #OFFLINE_MAX_SENTENCES}) form the answer, each followed by the marker of its source; when none
 *       covers the question the answer is {@value #CANNOT_BE_DETERMINED}</li>
 * </ol>
 * Uncited sources keep retrieval order and are numbered after the cited ones.
 */
public final class RagPipeline {
    /** The system message of the online answer. */
    public static final String SYSTEM_PROMPT = "You are a precise question-answering assistant. Answer the question using "
            + "only the information in the numbered sources. Cite the sources that support each statement with their "
            + "numbers in square brackets, such as [1] or [2][3]. If the answer cannot be determined from the sources, say so.";
    /** The answer when the retriever finds nothing (the seed's wording). */
    public static final String NO_SOURCES = "No relevant information found.";
    /** The offline answer when no retrieved sentence supports one. */
    public static final String CANNOT_BE_DETERMINED = "The documents do not answer this question (none of the passages "
            + "found says it).";
    /** The seed's {@code max_tokens} of {@code simple_rag_system}. */
    public static final int DEFAULT_MAX_TOKENS = 200;
    /** The default number of retrieved chunks. */
    public static final int DEFAULT_TOP_K = 5;
    /** The most sentences of an offline answer. */
    public static final int OFFLINE_MAX_SENTENCES = 3;
    /**
     * The coverage a sentence needs to be cited offline. Lower than {@link SupportingSentences#DEFAULT_MIN_COVERAGE}
     * because a retrieved passage's title and section heading count toward it and documentation paraphrases the
     * question; chosen on the nine questions about this project's documentation listed in {@code docs/apps.md}.
     */
    public static final double OFFLINE_MIN_COVERAGE = 0.4;
    private static final int SNIPPET_CHARS = 240;
    private static final java.util.regex.Pattern CITATION_MARKERS =
            java.util.regex.Pattern.compile("\\s*\\[\\d+(?:\\s*,\\s*\\d+)*]");

    private final Retriever retriever;
    private final ChatModel model;
    private final String modelName;
    private final int topK;
    private final int maxTokens;
    private final Reranker reranker;
    private final int candidates;
    private final Embedder sentenceEmbedder;
    private final Path documentRoot;

    private RagPipeline(Builder b) {
        this.sentenceEmbedder = b.sentenceEmbedder;
        this.documentRoot = b.documentRoot;
        this.retriever = b.retriever;
        this.model = b.model;
        this.modelName = b.modelName;
        this.topK = b.topK;
        this.maxTokens = b.maxTokens;
        this.reranker = b.reranker;
        if (b.candidates != 0 && b.candidates < b.topK) {
            throw new IllegalArgumentException("candidates (" + b.candidates + ") must be at least topK (" + b.topK + ")");
        }
        this.candidates = b.candidates == 0 ? b.topK : b.candidates;
    }

    public static Builder builder(Retriever retriever) {
        return new Builder(retriever);
    }

    /** Whether answers are extracted without a model. */
    public boolean isOffline() {
        return model == null;
    }

    /**
     * Answers {@code question} from the retrieved sources.
     *
     * @throws IllegalArgumentException when the question is blank
     */
    public RagAnswer ask(String question) {
        Objects.requireNonNull(question, "question");
        if (question.isBlank()) {
            throw new IllegalArgumentException("the question is empty");
        }
        List<RetrievedChunk> hits = List.copyOf(reranker.rerank(question, retriever.retrieve(question, candidates), topK));
        List<Source> sources = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            sources.add(source(i + 1, hits.get(i)));
        }
        if (hits.isEmpty()) {
            return new RagAnswer(NO_SOURCES, isOffline(), List.of(), List.of(), List.of());
        }
        Map<Integer, Integer> lines = new HashMap<>();
        String raw = model != null ? askModel(question, hits) : extract(question, hits, lines);
        if (documentRoot != null) {
            for (int i = 0; i < hits.size(); i++) {
                Chunk c = hits.get(i).chunk();
                if (!lines.containsKey(i) && c.metadata().get("path") != null) {
                    lines.put(i, SourceText.read(documentRoot.resolve(c.metadata().get("path")))
                            .flatMap(t -> boxed(t.lineOf(c.text(), 1))).orElse(0));
                }
            }
            for (int i = 0; i < sources.size(); i++) {
                sources.set(i, sources.get(i).atLine(lines.getOrDefault(i, 0)));
            }
        }
        Citations.Renumbered r = Citations.renumber(raw, sources.size());
        List<Source> cited = new ArrayList<>();
        for (int original : r.citedOriginals()) {
            cited.add(sources.get(original - 1).renumbered(cited.size() + 1));
        }
        List<Source> uncited = new ArrayList<>();
        for (Source s : sources) {
            if (!r.citedOriginals().contains(s.number())) {
                uncited.add(s.renumbered(cited.size() + uncited.size() + 1));
            }
        }
        return new RagAnswer(r.text().strip(), isOffline(), cited, uncited, r.invalid());
    }

    /** The user message: numbered context blocks, then the question. */
    public static String userPrompt(String question, List<RetrievedChunk> hits) {
        StringBuilder sb = new StringBuilder("Sources:\n");
        for (int i = 0; i < hits.size(); i++) {
            Chunk c = hits.get(i).chunk();
            String title = c.title().isBlank() ? c.documentId() : c.title();
            sb.append('[').append(i + 1).append("] (").append(title).append(") ").append(c.text().strip()).append("\n\n");
        }
        return sb.append("Question: ").append(question).toString();
    }

    private String askModel(String question, List<RetrievedChunk> hits) {
        return model.chat(ChatRequest.builder()
                .model(modelName)
                .addMessage(Message.system(SYSTEM_PROMPT))
                .addMessage(Message.user(userPrompt(question, hits)))
                .maxCompletionTokens(maxTokens)
                .build()).text();
    }

    private static java.util.Optional<Integer> boxed(java.util.OptionalInt i) {
        return i.isPresent() ? java.util.Optional.of(i.getAsInt()) : java.util.Optional.empty();
    }

    private String extract(String question, List<RetrievedChunk> hits, Map<Integer, Integer> lines) {
        if (sentenceEmbedder != null || documentRoot != null) {
            return new PassageSelector(sentenceEmbedder, documentRoot).select(question, hits).map(p -> {
                if (p.line() > 0) {
                    lines.put(p.hit(), p.line());
                }
                return p.text() + " [" + (p.hit() + 1) + "]";
            }).orElse(CANNOT_BE_DETERMINED);
        }
        List<Sentences.Sentence> candidates = new ArrayList<>();
        List<String> contexts = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            Chunk chunk = hits.get(i).chunk();
            String heading = "";
            for (Sentences.Sentence s : Sentences.split(chunk.text())) {
                if (Headings.isHeading(chunk.text(), s)) {
                    heading = s.text();
                    continue;
                }
                candidates.add(s);
                contexts.add(chunk.title() + "\n" + heading);
                owner.add(i + 1);
            }
        }
        List<SupportingSentences.Scored> best = SupportingSentences.find(candidates, contexts, question,
                OFFLINE_MAX_SENTENCES, OFFLINE_MIN_COVERAGE);
        if (best.isEmpty()) {
            return CANNOT_BE_DETERMINED;
        }
        StringBuilder sb = new StringBuilder();
        for (SupportingSentences.Scored s : best) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            // a sentence quoting an earlier answer carries its markers: drop them, or they would read as citations
            String text = CITATION_MARKERS.matcher(s.sentence().normalized()).replaceAll("").strip();
            sb.append(text).append(" [").append(owner.get(s.index())).append(']');
        }
        return sb.toString();
    }

    private static Source source(int number, RetrievedChunk hit) {
        Chunk c = hit.chunk();
        String path = c.metadata().getOrDefault("path", c.metadata().get("source"));
        String snippet = hit.highlightIfAny().filter(h -> !h.isBlank()).orElseGet(() -> {
            String t = c.text().strip().replaceAll("\\s+", " ");
            return t.length() <= SNIPPET_CHARS ? t : t.substring(0, SNIPPET_CHARS) + "…";
        });
        return new Source(number, c.documentId(), c.title(), path, c.start(), c.end(), snippet, hit.score());
    }

    /** Builds a {@link RagPipeline}. */
    public static final class Builder {
        private final Retriever retriever;
        private ChatModel model;
        private String modelName;
        private int topK = DEFAULT_TOP_K;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private Reranker reranker = Reranker.identity();
        private int candidates;
        private Embedder sentenceEmbedder;
        private Path documentRoot;

        private Builder(Retriever retriever) {
            this.retriever = Objects.requireNonNull(retriever, "retriever");
        }

        /** Answers with this model; without it the pipeline is offline (extractive). */
        public Builder model(ChatModel model, String modelName) {
            this.model = Objects.requireNonNull(model, "model");
            this.modelName = Objects.requireNonNull(modelName, "modelName");
            return this;
        }

        /** How many chunks to retrieve (default {@value #DEFAULT_TOP_K}; 1 to 10,000). */
        public Builder topK(int topK) {
            this.topK = ArgumentChecks.retrievalDepth("topK", topK);
            return this;
        }

        /** The model's completion limit (default {@value #DEFAULT_MAX_TOKENS}). */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = ArgumentChecks.positive("maxTokens", maxTokens);
            return this;
        }

        /** Reorders the hits and keeps the best {@code topK} before they are numbered (default: the retriever's order). */
        public Builder reranker(Reranker reranker) {
            this.reranker = Objects.requireNonNull(reranker, "reranker");
            return this;
        }

        /**
         * How many chunks to retrieve for the reranker to choose {@code topK} from (default: {@code topK}; at
         * least {@code topK}, at most 10,000).
         */
        public Builder candidates(int candidates) {
            this.candidates = ArgumentChecks.retrievalDepth("candidates", candidates);
            return this;
        }

        /**
         * Offline, picks answer passages by meaning too: the sentences' embeddings against the question's, beside
         * lexical evidence ({@link PassageSelector}); without it, by lexical evidence only. Stays the caller's to close.
         */
        public Builder sentenceEmbedder(Embedder embedder) {
            this.sentenceEmbedder = Objects.requireNonNull(embedder, "embedder");
            return this;
        }

        /**
         * The folder the chunks' {@code path} metadata is relative to (what {@code FolderLoader} loaded): offline
         * answers then skip the lines of code and headings of the files themselves, and sources carry the line
         * they start on.
         */
        public Builder documentRoot(Path root) {
            this.documentRoot = Objects.requireNonNull(root, "root");
            return this;
        }

        public RagPipeline build() {
            return new RagPipeline(this);
        }
    }
}
