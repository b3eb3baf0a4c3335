package dev.llamakit.retrieval.eval;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.llamakit.retrieval.Document;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A retrieval test collection in BEIR's format, in one folder:
 *
 * <ul>
 *   <li>{@code corpus.jsonl} or {@code corpus.jsonl.gz}: one {@code {"_id", "title", "text", "metadata"}} per line;</li>
 *   <li>{@code queries.jsonl} (or {@code .gz}): one {@code {"_id", "text", "metadata"}} per line;</li>
 *   <li>the judgments of a split: {@code qrels-<split>.tsv} or BEIR's {@code qrels/<split>.tsv} (or {@code .gz}).</li>
 * </ul>
 *
 * <p>Gzip is recognised by its magic bytes, whatever the name. The corpus is streamed: documents are parsed one at a
 * time and handed to the caller, never held together. Of a query only {@code _id} and {@code text} are read: other
 * fields, and in particular {@code metadata} (which in SciFact holds the gold evidence), are skipped unread by the
 * streaming parser.
 */
public final class BeirDataset {
    private static final Logger log = LoggerFactory.getLogger(BeirDataset.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final Path folder;
    private final String split;
    private final Path corpus;
    private final Path queries;
    private final Path qrels;

    private BeirDataset(Path folder, String split, Path corpus, Path queries, Path qrels) {
        this.folder = folder;
        this.split = split;
        this.corpus = corpus;
        this.queries = queries;
        this.qrels = qrels;
    }

    /** The {@code test} split of the collection in {@code folder}. */
    public static BeirDataset open(Path folder) {
        return open(folder, "test");
    }

    /**
     * The given split ({@code test}, {@code dev}, {@code train}) of the collection in {@code folder}.
     *
     * @throws IllegalArgumentException naming the missing file and the names tried
     */
    public static BeirDataset open(Path folder, String split) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(split, "split");
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("BEIR data folder " + folder + " does not exist or is not a folder");
        }
        Path corpus = find(folder, "corpus", "corpus.jsonl.gz", "corpus.jsonl");
        Path queries = find(folder, "queries", "queries.jsonl", "queries.jsonl.gz");
        Path qrels = find(folder, split + " qrels", "qrels-" + split + ".tsv", "qrels/" + split + ".tsv",
                "qrels-" + split + ".tsv.gz", "qrels/" + split + ".tsv.gz");
        return new BeirDataset(folder, split, corpus, queries, qrels);
    }

    private static Path find(Path folder, String what, String... names) {
        for (String name : names) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no " + what + " file in " + folder + " (looked for "
                + String.join(", ", names) + ")");
    }

    public Path folder() {
        return folder;
    }

    public String split() {
        return split;
    }

    public Path corpusFile() {
        return corpus;
    }

    public Path queriesFile() {
        return queries;
    }

    public Path qrelsFile() {
        return qrels;
    }

    /**
     * Streams the corpus to {@code sink}, one {@link Document} at a time in file order (id = {@code _id}, title,
     * text, verbatim). A record with neither title nor text is skipped with a warning.
     *
     * @return the number of documents handed to the sink
     * @throws IllegalArgumentException naming the line when a record is malformed or has no {@code _id}
     */
    public long readCorpus(Consumer<Document> sink) {
        Objects.requireNonNull(sink, "sink");
        long[] counts = new long[2];
        readRecords(corpus, (id, fields) -> {
            String title = fields.getOrDefault("title", "");
            String text = fields.getOrDefault("text", "");
            if (title.isBlank() && text.isBlank()) {
                counts[1]++;
                log.warn("{}: document '{}' has neither title nor text; skipped", corpus, id);
                return;
            }
            sink.accept(Document.builder(id).title(title).text(text).build());
            counts[0]++;
        }, Set.of("title", "text"));
        if (counts[1] > 0) {
            log.warn("{}: skipped {} empty documents", corpus, counts[1]);
        }
        return counts[0];
    }

    /** Streams the corpus in lists of at most {@code batchSize} documents. */
    public long readCorpus(int batchSize, Consumer<List<Document>> sink) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        List<Document> batch = new ArrayList<>(batchSize);
        long n = readCorpus(doc -> {
            batch.add(doc);
            if (batch.size() == batchSize) {
                sink.accept(List.copyOf(batch));
                batch.clear();
            }
        });
        if (!batch.isEmpty()) {
            sink.accept(List.copyOf(batch));
        }
        return n;
    }

    /** Every query: id → text, in file order. */
    public Map<String, String> queries() {
        return readQueries(null);
    }

    /**
     * The queries with these ids: id → text, in file order.
     *
     * @throws IllegalArgumentException when an id has no query
     */
    public Map<String, String> queries(Set<String> ids) {
        Objects.requireNonNull(ids, "ids");
        Map<String, String> found = readQueries(ids);
        if (found.size() < ids.size()) {
            List<String> missing = ids.stream().filter(id -> !found.containsKey(id)).limit(5).toList();
            throw new IllegalArgumentException(queries + " has no query for " + (ids.size() - found.size())
                    + " of the requested ids, e.g. " + missing);
        }
        return found;
    }

    private Map<String, String> readQueries(Set<String> ids) {
        Map<String, String> result = new LinkedHashMap<>();
        readRecords(queries, (id, fields) -> {
            if (ids == null || ids.contains(id)) {
                result.put(id, fields.getOrDefault("text", ""));
            }
        }, Set.of("text"));
        return Collections.unmodifiableMap(result);
    }

    /** The judgments of this split. */
    public Qrels qrels() {
        return Qrels.read(qrels);
    }

    private interface RecordSink {
        void accept(String id, Map<String, String> fields);
    }

    /**
     * Parses a JSON-lines file record by record; hands over {@code _id} and the wanted string fields; skips every
     * other field without materialising it.
     */
    private static void readRecords(Path file, RecordSink sink, Set<String> wanted) {
        try (BufferedReader reader = DataFiles.reader(file); JsonParser parser = JSON.createParser(reader)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token != JsonToken.START_OBJECT) {
                    throw malformed(file, parser, "expected a JSON object per line");
                }
                String id = null;
                Map<String, String> fields = new LinkedHashMap<>(4);
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (name.equals("_id")) {
                        if (!value.isScalarValue() || value == JsonToken.VALUE_NULL) {
                            throw malformed(file, parser, "_id must be a string");
                        }
                        id = parser.getText();
                    } else if (wanted.contains(name) && value.isScalarValue()) {
                        fields.put(name, value == JsonToken.VALUE_NULL ? "" : parser.getText());
                    } else {
                        parser.skipChildren(); // metadata and anything else: never read
                    }
                }
                if (id == null || id.isBlank()) {
                    throw malformed(file, parser, "a record has no _id");
                }
                sink.accept(id, fields);
            }
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + " is not valid JSON lines: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException malformed(Path file, JsonParser parser, String message) {
        return new IllegalArgumentException(file + " line " + parser.currentLocation().getLineNr() + ": " + message);
    }

    @Override
    public String toString() {
        return "BeirDataset[" + folder + ", split " + split + "]";
    }
}
