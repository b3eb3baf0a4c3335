package dev.llamakit.benchmarks.local;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.local.LocalChatModel;
import dev.llamakit.testkit.SyntheticGgufModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How llama-local's load time and resident memory scale with the GGUF file's size (Linux). Writes synthetic models
 * ({@link SyntheticGgufModel}) of increasing size, writes each one out to disk ({@code fdatasync}) and loads it in a
 * fresh child JVM four times: twice with the file in the page cache, twice after evicting it from the page cache
 * ({@code dd iflag=nocache}, no root needed). The child reports VmRSS, RssAnon and RssFile from {@code /proc/self/status} and the resident part of the
 * model file's mapping and of the native library from {@code /proc/self/smaps}: before anything, after loading the
 * native library, after {@code load()}, after a first 16-token reply and after {@code close()}.
 *
 * <pre>java -cp ... dev.llamakit.benchmarks.local.LocalLoadReport [work-dir] [largest size: 0.5M|16M|64M|256M|1G|4G]</pre>
 */
public final class LocalLoadReport {
    private record Size(String label, int embedding, int layers, int feedForward, int heads) {
        SyntheticGgufModel model() {
            return SyntheticGgufModel.builder().embeddingLength(embedding).layerCount(layers).feedForwardLength(feedForward)
                    .headCount(heads).name("synthetic-" + label).build();
        }
    }

    private static final List<Size> SIZES = List.of(
            new Size("0.5M", 64, 2, 128, 4),
            new Size("16M", 256, 4, 1024, 4),
            new Size("64M", 512, 6, 1024, 8),
            new Size("256M", 1024, 5, 2816, 8),
            new Size("1G", 2048, 5, 5632, 16),
            new Size("4G", 4096, 5, 11264, 32));

    private static final String[] PHASES = {"start", "natives", "load", "reply", "close"};

    private LocalLoadReport() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--child")) {
            child(Path.of(args[1]));
            return;
        }
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("llamakit-load");
        String largest = args.length > 1 ? args[1] : "1G";
        Files.createDirectories(dir.resolve("natives")); // java-llama.cpp extracts its library there, but never creates it
        System.out.printf(Locale.ROOT, "work dir %s, %d cores, load average at start: %s%n", dir,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        List<String> table = new ArrayList<>();
        table.add("| file | cache | load ms | reply ms (16 tokens) | RSS before / after load / after reply / after close (MB)"
                + " | model mapping resident after load / reply (MB) | RssAnon after reply (MB) |");
        table.add("|---|---|---|---|---|---|---|");
        for (Size size : SIZES) {
            SyntheticGgufModel model = size.model();
            Path file = dir.resolve("synthetic-" + size.label() + ".gguf");
            long t = System.nanoTime();
            model.write(file);
            System.out.printf(Locale.ROOT, "%n%s: %s MB written in %.1f s (embedding %d, %d layers, feed-forward %d)%n",
                    size.label(), mb(model.fileSize()), (System.nanoTime() - t) / 1e9, size.embedding(), size.layers(),
                    size.feedForward());
            sync(file); // a file just written is dirty and under writeback, which slows a load that reads it
            for (String cache : new String[] {"page cache", "page cache", "evicted", "evicted"}) {
                if (cache.equals("evicted")) {
                    evict(file);
                }
                String resident = residentInPageCache(file);
                Map<String, String> data = runChild(dir, file);
                System.out.printf(Locale.ROOT, "  %-10s (file resident in page cache before: %s) load avg %s%n", cache,
                        resident, loadAverage());
                for (String phase : PHASES) {
                    System.out.printf(Locale.ROOT, "    %-8s %8s ms  VmRSS %6s MB  RssAnon %6s  RssFile %6s  model map %6s"
                            + "  libjllama %5s%n", phase, data.getOrDefault(phase + ".ms", "-"), data.get(phase + ".rss"),
                            data.get(phase + ".anon"), data.get(phase + ".file"), data.get(phase + ".model"),
                            data.get(phase + ".lib"));
                }
                table.add(String.format(Locale.ROOT, "| %s MB | %s | %s | %s | %s / %s / %s / %s | %s / %s | %s |",
                        mb(model.fileSize()), cache, data.get("load.ms"), data.get("reply.ms"), data.get("natives.rss"),
                        data.get("load.rss"), data.get("reply.rss"), data.get("close.rss"), data.get("load.model"),
                        data.get("reply.model"), data.get("reply.anon")));
            }
            Files.delete(file);
            if (size.label().equals(largest)) {
                break;
            }
        }
        System.out.printf(Locale.ROOT, "%nload average at the end: %s%n%n", loadAverage());
        table.forEach(System.out::println);
    }

    /** Runs in the child JVM: one model, the snapshots, one line {@code DATA key=value ...}. */
    private static void child(Path file) throws Exception {
        Map<String, String> data = new LinkedHashMap<>();
        snapshot(data, "start", file);
        long t = System.nanoTime();
        Class.forName("de.kherud.llama.LlamaModel"); // extracts and loads the native library
        data.put("natives.ms", ms(t));
        snapshot(data, "natives", file);
        t = System.nanoTime();
        LocalChatModel model = LocalChatModel.builder(file).threads(2).contextSize(256).load();
        data.put("load.ms", ms(t));
        snapshot(data, "load", file);
        t = System.nanoTime();
        ChatResponse reply = model.chat(ChatRequest.builder().model(model.name()).addMessage(Message.user("hello world"))
                .maxCompletionTokens(16).extraBody("seed", 42).extraBody("ignore_eos", true).build());
        data.put("reply.ms", ms(t));
        data.put("reply.tokens", String.valueOf(reply.usage().orElseThrow().completionTokens()));
        snapshot(data, "reply", file);
        t = System.nanoTime();
        model.close();
        data.put("close.ms", ms(t));
        snapshot(data, "close", file);
        StringBuilder line = new StringBuilder("DATA");
        data.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
    }

    private static Map<String, String> runChild(Path dir, Path file) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-Dde.kherud.llama.tmpdir=" + dir.resolve("natives"),
                "-cp", System.getProperty("java.class.path"), LocalLoadReport.class.getName(), "--child", file.toString());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!child.waitFor(10, TimeUnit.MINUTES) || child.exitValue() != 0) {
            throw new IllegalStateException("the child JVM failed:\n" + output);
        }
        Map<String, String> data = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("DATA ")) {
                for (String pair : line.substring(5).split(" ")) {
                    int eq = pair.indexOf('=');
                    data.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        if (data.isEmpty()) {
            throw new IllegalStateException("no DATA line from the child JVM:\n" + output);
        }
        return data;
    }

    /** VmRSS, RssAnon, RssFile of this process, and the resident part of the model's and the native library's mappings. */
    private static void snapshot(Map<String, String> data, String phase, Path file) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            String[] f = line.split("\\s+");
            switch (f[0]) {
                case "VmRSS:" -> data.put(phase + ".rss", kbToMb(f[1]));
                case "RssAnon:" -> data.put(phase + ".anon", kbToMb(f[1]));
                case "RssFile:" -> data.put(phase + ".file", kbToMb(f[1]));
                default -> {
                }
            }
        }
        String model = file.toAbsolutePath().toString();
        long modelKb = 0;
        long libKb = 0;
        String mapping = "";
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (!line.isEmpty() && Character.digit(line.charAt(0), 16) >= 0 && line.indexOf('-') > 0
                    && line.indexOf('-') < line.indexOf(' ')) {
                String[] f = line.trim().split("\\s+", 6);
                mapping = f.length == 6 ? f[5] : "";
            } else if (line.startsWith("Rss:")) {
                long kb = Long.parseLong(line.replaceAll("\\D", ""));
                if (mapping.equals(model)) {
                    modelKb += kb;
                } else if (mapping.contains("libjllama")) {
                    libKb += kb;
                }
            }
        }
        data.put(phase + ".model", kbToMb(String.valueOf(modelKb)));
        data.put(phase + ".lib", kbToMb(String.valueOf(libKb)));
    }

    /** Writes the file's dirty pages out; they stay in the page cache. */
    private static void sync(Path file) throws IOException, InterruptedException {
        run("dd", "of=" + file, "conv=notrunc,fdatasync", "count=0");
    }

    /** Asks the kernel to drop the file's (clean) pages from the page cache (works without root). */
    private static void evict(Path file) throws IOException, InterruptedException {
        run("dd", "if=" + file, "iflag=nocache", "count=0");
    }

    private static String residentInPageCache(Path file) {
        try {
            String out = run("fincore", "--bytes", "--noheadings", "--output", "RES", file.toString()).trim();
            return mb(Long.parseLong(out)) + " MB";
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "unknown (no fincore)";
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String ms(long startNanos) {
        return String.valueOf((System.nanoTime() - startNanos) / 1_000_000);
    }

    private static String kbToMb(String kb) {
        return String.format(Locale.ROOT, "%.1f", Long.parseLong(kb) / 1024.0);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }
}
