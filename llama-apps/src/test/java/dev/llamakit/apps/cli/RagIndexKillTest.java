package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes: {@code llama rag index} in a child JVM, killed with SIGKILL at random moments while it indexes a
 * generated folder of 2,000 documents (changed a little between runs), then run once to the end: the index must hold
 * exactly the documents of an index built cleanly from the same folder (ids and text hashes, read straight from the
 * last Lucene commit). {@code -Dkill.runs=N} sets the number of kills (default 20 to keep the build quick; the figures
 * in {@code docs/retrieval.md} are from 50), {@code -Dkill.seed=S} replays a run.
 */
class RagIndexKillTest {
    @TempDir
    Path tmp;

    @Test
    void killedRunsThenOneMoreGiveTheDocumentsOfACleanBuild() throws Exception {
        int kills = Integer.getInteger("kill.runs", 10);
        long seed = Long.getLong("kill.seed", System.nanoTime());
        Random random = new Random(seed);
        Path docs = generate(tmp.resolve("docs"), random);

        Path clean = tmp.resolve("clean");
        // calibration: how long a run takes to start (JVM, index opened) and to index the folder
        long t0 = System.nanoTime();
        JsonNode first = runToEnd(docs, tmp.resolve("calibration"));
        long wallMillis = (System.nanoTime() - t0) / 1_000_000;
        long indexMillis = Math.round(first.get("seconds").asDouble() * 1000);
        long startMillis = Math.max(0, wallMillis - indexMillis);
        Path index = tmp.resolve("index");
        int killed = 0;
        int finished = 0;
        int attempts = 0;
        boolean idle = false; // the last run finished: give the next one work to be killed in
        // a run that finishes before its kill (a slow calibration run, a machine busier then than now) makes the
        // following delays shorter, so that the kills keep landing inside runs whatever the load
        double scale = 1.0;
        while (killed < kills) {
            attempts++;
            assertThat(attempts).as("attempts (seed %s)", seed).isLessThan(kills * 10);
            if (idle || (attempts > 1 && random.nextInt(3) == 0)) {
                mutate(docs, random, attempts, idle ? 400 : 20);
            }
            Process p = start(docs, index);
            // at a random moment of the indexing (most kills), or of the start-up
            long delay = Math.round(scale * (random.nextInt(5) == 0 ? random.nextLong(startMillis + 1)
                    : startMillis + random.nextLong(indexMillis + 1)));
            if (p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                assertThat(p.exitValue()).as("a run that was not killed (seed %s)", seed).isZero();
                finished++;
                idle = true;
                scale *= 0.7;
                continue;
            }
            idle = false;
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no final commit
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            killed++;
        }
        JsonNode last = runToEnd(docs, index);
        runToEnd(docs, clean);
        Map<String, String> expected = contents(clean);
        assertThat(expected).hasSizeGreaterThan(1_500);
        assertThat(differences(expected, contents(index))).as("after %s kills and %s finished runs (seed %s)", killed,
                finished, seed).isEmpty();
        System.out.println("rag index kill test: " + killed + " SIGKILLs, " + finished + " runs finished between them, "
                + expected.size() + " documents, documents lost: 0; last run resumed=" + last.get("resumed") + " upserted="
                + last.get("documentsUpserted")
                + " (start-up " + startMillis + " ms, indexing " + indexMillis + " ms; seed " + seed + ")");
    }

    /** 1,000 text files and 25 jsonl files of 40 lines: 2,000 documents. */
    static Path generate(Path root, Random random) throws IOException {
        for (int i = 0; i < 1_000; i++) {
            write(root.resolve("notes/" + (i % 10) + "/note-" + i + ".txt"), text(random, i, 0));
        }
        for (int f = 0; f < 25; f++) {
            StringBuilder b = new StringBuilder();
            for (int line = 0; line < 40; line++) {
                b.append("{\"_id\":\"rec-").append(f * 40 + line).append("\",\"title\":\"Record ").append(line)
                        .append("\",\"text\":\"").append(text(random, f * 40 + line, 0)).append("\"}\n");
            }
            write(root.resolve("records/part-" + f + ".jsonl"), b.toString());
        }
        return root;
    }

    /** A few files edited, deleted or added; a record moved to another jsonl file. */
    static void mutate(Path root, Random random, int round, int notes) throws IOException {
        for (int k = random.nextInt(notes); k > 0; k--) {
            int i = random.nextInt(1_100);
            Path note = root.resolve("notes/" + (i % 10) + "/note-" + i + ".txt");
            if (random.nextInt(4) == 0) {
                Files.deleteIfExists(note);
            } else {
                write(note, text(random, i, round));
            }
        }
        Path from = root.resolve("records/part-" + random.nextInt(25) + ".jsonl");
        Path to = root.resolve("records/part-" + random.nextInt(25) + ".jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(from));
        if (!lines.isEmpty() && !from.equals(to)) {
            String moved = lines.remove(random.nextInt(lines.size()));
            Files.write(from, lines);
            List<String> target = new ArrayList<>(Files.readAllLines(to));
            target.add(random.nextInt(target.size() + 1), moved);
            Files.write(to, target);
        }
    }

    static String text(Random random, int i, int round) {
        String[] words = {"river", "stone", "light", "market", "winter", "garden", "signal", "paper", "engine",
            "forest", "harbor", "bridge"};
        StringBuilder b = new StringBuilder("Document " + i + " version " + round + ".");
        for (int s = 0; s < 3; s++) {
            b.append(' ');
            for (int w = 0; w < 8; w++) {
                b.append(w == 0 ? "The " : " ").append(words[random.nextInt(words.length)]);
            }
            b.append('.');
        }
        return b.toString();
    }

    static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    static Process start(Path docs, Path index) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                LlamaCli.class.getName(), "rag", "index", docs.toString(), "--index", index.toString(),
                "--retriever", "bm25", "--checkpoint-seconds", "0.25", "--json");
        pb.environment().keySet().removeIf(k -> k.startsWith("LLAMA_"));
        pb.redirectErrorStream(false);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        return pb.start();
    }

    static JsonNode runToEnd(Path docs, Path index) throws Exception {
        Process p = start(docs, index);
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        return new ObjectMapper().readTree(out);
    }

    /** Ids missing from {@code actual}, extra in it, or with other text (at most 20 of them). */
    static List<String> differences(Map<String, String> expected, Map<String, String> actual) {
        List<String> out = new ArrayList<>();
        expected.forEach((id, hash) -> {
            if (!actual.containsKey(id)) {
                out.add("missing " + id);
            } else if (!actual.get(id).equals(hash)) {
                out.add("other text " + id);
            }
        });
        actual.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(id -> out.add("extra " + id));
        return out.subList(0, Math.min(20, out.size()));
    }

    /** Document id → SHA-256 of its title and its chunks' texts in order, from the index's last commit. */
    static Map<String, String> contents(Path index) throws IOException {
        Map<String, TreeMap<Integer, String>> chunks = new TreeMap<>();
        Map<String, String> titles = new TreeMap<>();
        try (FSDirectory dir = FSDirectory.open(index); DirectoryReader reader = DirectoryReader.open(dir)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                var stored = leaf.reader().storedFields();
                for (int d = 0; d < leaf.reader().maxDoc(); d++) {
                    if (live != null && !live.get(d)) {
                        continue;
                    }
                    var doc = stored.document(d);
                    String id = doc.get("_doc");
                    titles.put(id, doc.get("_title"));
                    String previous = chunks.computeIfAbsent(id, k -> new TreeMap<>())
                            .put(doc.getField("_index").numericValue().intValue(), doc.get("_text"));
                    assertThat(previous).as("chunk stored twice in %s", id).isNull();
                }
            }
        }
        Map<String, String> out = new TreeMap<>();
        chunks.forEach((id, parts) -> out.put(id, sha256(titles.get(id) + "\u0000" + String.join("\u0001",
                parts.values()))));
        return out;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
