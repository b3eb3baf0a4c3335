package dev.llamakit.benchmarks.local;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.local.LocalChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The overhead of llama-local's {@code ChatModel.stream} over raw java-llama.cpp ({@code LlamaModel.generate}) on one
 * GGUF file: the same prompt and seed, {@code ignore_eos} so that both generate exactly the asked number of tokens,
 * rounds alternating between the two, for several reply lengths. The raw side gets the prompt already rendered; ours
 * renders the template and counts the prompt's tokens on every request, which is the fixed cost this shows.
 *
 * <pre>java -cp ... dev.llamakit.benchmarks.local.LocalOverheadReport model.gguf [rounds] [threads] [tokens,...]</pre>
 */
public final class LocalOverheadReport {
    private LocalOverheadReport() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 21;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int[] lengths = args.length > 3 ? java.util.Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {16, 64, 200, 400};
        int ctx = java.util.Arrays.stream(lengths).max().orElseThrow() + 128;

        try (LocalChatModel model = LocalChatModel.builder(file).threads(threads).contextSize(ctx).load();
             LlamaModel raw = new LlamaModel(new ModelParameters().setModel(file.toString()).setThreads(threads)
                     .setCtxSize(ctx).setParallel(1).enableJinja().disableLog())) {
            String rendered = raw.applyTemplate("{\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}");
            System.out.printf(Locale.ROOT, "model %s (%.1f MB), %d rounds per length, %d threads%n", file.getFileName(),
                    Files.size(file) / 1e6, rounds, threads);
            System.out.println("tokens | raw ms (median) | ours ms (median) | raw tokens/s | ours tokens/s | raw/ours | ours - raw, ms");
            for (int tokens : lengths) {
                ChatRequest request = ChatRequest.builder().model("local").addMessage(Message.user("hello world"))
                        .maxCompletionTokens(tokens).extraBody("seed", 42).extraBody("ignore_eos", true).build();
                InferenceParameters bare = new InferenceParameters(rendered).setNPredict(tokens).setSeed(42).setIgnoreEos(true);
                ours(model, request); // warm-up
                raw(raw, bare);
                List<Double> rawMs = new ArrayList<>();
                List<Double> oursMs = new ArrayList<>();
                List<Double> differences = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    double a = raw(raw, bare);
                    double b = ours(model, request);
                    rawMs.add(a);
                    oursMs.add(b);
                    differences.add(b - a);
                }
                double a = median(rawMs);
                double b = median(oursMs);
                System.out.printf(Locale.ROOT, "%6d | %15.2f | %16.2f | %12.0f | %13.0f | %7.3fx | %.2f%n", tokens, a, b,
                        tokens / (a / 1e3), tokens / (b / 1e3), b / a, median(differences));
            }
        }
        System.exit(0); // java-llama.cpp leaves a native thread when the raw model is closed
    }

    private static double raw(LlamaModel raw, InferenceParameters parameters) {
        long start = System.nanoTime();
        for (LlamaOutput ignored : raw.generate(parameters)) {
            // consume
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static double ours(LocalChatModel model, ChatRequest request) {
        long start = System.nanoTime();
        try (ChatStream stream = model.stream(request)) {
            for (ChatStreamEvent ignored : stream) {
                // consume
            }
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
