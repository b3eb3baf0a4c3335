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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The overhead of llama-local's {@code ChatModel.stream} over raw java-llama.cpp ({@code LlamaModel.generate}) on one
 * GGUF file, same prompt, seed and token count, rounds alternating; plus load time and resident memory (Linux).
 *
 * <pre>java -cp ... dev.llamakit.benchmarks.local.LocalOverheadReport model.gguf [tokens] [rounds] [threads]</pre>
 */
public final class LocalOverheadReport {
    private LocalOverheadReport() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int ctx = tokens + 128;

        long rss0 = rssKb();
        long t0 = System.nanoTime();
        LocalChatModel model = LocalChatModel.builder(file).threads(threads).contextSize(ctx).load();
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long rss1 = rssKb();
        ChatRequest request = ChatRequest.builder().model("local").addMessage(Message.user("hello world"))
                .maxCompletionTokens(tokens).extraBody("seed", 42).extraBody("ignore_eos", true).build();
        String prompt = model.stream(request.toBuilder().maxCompletionTokens(1).build()).collect().text(); // warm-up
        LlamaModel raw = new LlamaModel(new ModelParameters().setModel(file.toString()).setThreads(threads).setCtxSize(ctx)
                .setParallel(1).enableJinja().disableLog());
        String rendered = raw.applyTemplate("{\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}");

        List<Double> ours = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long s = System.nanoTime();
            int n = 0;
            for (LlamaOutput o : raw.generate(new InferenceParameters(rendered).setNPredict(tokens).setSeed(42).setIgnoreEos(true))) {
                n++;
            }
            bare.add((n - 1) / ((System.nanoTime() - s) / 1e9));
            s = System.nanoTime();
            long count;
            try (ChatStream stream = model.stream(request)) {
                for (ChatStreamEvent e : stream) {
                    // consume
                }
                count = stream.collect().usage().orElseThrow().completionTokens();
            }
            ours.add(count / ((System.nanoTime() - s) / 1e9));
        }
        raw.close();
        model.close();
        double b = median(bare);
        double o = median(ours);
        System.out.printf(Locale.ROOT, "model %s (%.1f MB), %d tokens x %d rounds, %d threads%n", file.getFileName(),
                Files.size(file) / 1e6, tokens, rounds, threads);
        System.out.printf(Locale.ROOT, "load %.2f s, RSS %d MB before, %d MB after load (+%d MB)%n", loadSeconds,
                rss0 / 1024, rss1 / 1024, (rss1 - rss0) / 1024);
        System.out.printf(Locale.ROOT, "raw LlamaModel.generate: %.0f tokens/s (median)%n", b);
        System.out.printf(Locale.ROOT, "ChatModel.stream:        %.0f tokens/s (median), raw/ours = %.3fx%n", o, b / o);
        if (prompt == null) {
            throw new IllegalStateException();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static long rssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }
}
