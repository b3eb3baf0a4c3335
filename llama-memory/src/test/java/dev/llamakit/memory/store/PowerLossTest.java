package dev.llamakit.memory.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.chat.Message;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.store.SimulatedDisk.CrashingFileSystem;
import dev.llamakit.memory.store.SimulatedDisk.Loss;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated power loss ({@link SimulatedDisk}): the store runs random work (appends of random sizes, state values,
 * new conversations, eviction) and crashes at a random operation, often in the middle of a write; then either the
 * process dies (the OS keeps its writes) or the machine loses power (what was not forced is lost, all, none, a
 * prefix or any subset of blocks). The next process opens the durable state and must find every acknowledged write,
 * nothing that was never written, and files that open without repair. Unlike SIGKILL, this fails a store that does
 * not fsync: {@link #theSameScenariosFailAStoreThatDoesNotFsync()} proves the test can fail.
 */
class PowerLossTest {
    static final List<String> IDS = List.of("a", "support/42", "long-" + "x".repeat(700)); // a shortened name, a header over 512 bytes
    static final List<String> KEYS = List.of("summary", "turn");
    static final int MIN_CRASH_POINTS = 1_000;

    @TempDir
    Path tmp;

    @Test
    void noAcknowledgedWriteIsLostAtAnyOfAThousandRandomCrashPoints() throws IOException {
        long seed = Long.getLong("powerloss.seed", 13L);
        long start = System.nanoTime();
        int points = 0;
        int scenarios = 0;
        long acknowledged = 0;
        while (points < MIN_CRASH_POINTS) {
            Outcome outcome = scenario(tmp.resolve("s" + scenarios), seed + scenarios, true);
            assertThat(outcome.violation()).as("scenario with seed %d", seed + scenarios).isNull();
            points += outcome.crashPoints();
            acknowledged += outcome.acknowledged();
            scenarios++;
        }
        System.out.printf("power loss: %d crash points in %d scenarios, %d acknowledged writes checked after every "
                        + "crash, 0 lost, in %d ms%n", points, scenarios, acknowledged,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @Test
    void theSameScenariosFailAStoreThatDoesNotFsync() throws IOException {
        int failed = 0;
        String example = null;
        for (int i = 0; i < 50; i++) {
            Outcome outcome = scenario(tmp.resolve("nofsync" + i), 1000 + i, false);
            if (outcome.violation() != null) {
                failed++;
                example = example == null ? outcome.violation() : example;
            }
        }
        System.out.printf("power loss without fsync: %d of 50 scenarios lost acknowledged writes, e.g. %s%n", failed, example);
        assertThat(failed).as("a store that does not fsync loses acknowledged writes").isGreaterThan(10);
    }

    @Test
    void aStoreInNewNestedDirectoriesSurvivesAPowerCutRightAfterItsFirstAppend() throws IOException {
        SimulatedDisk disk = new SimulatedDisk();
        Path dir = tmp.resolve("a/b/store");
        CrashingFileSystem fs = disk.boot(-1, new Random(1));
        FileConversationStore store = FileConversationStore.open(fs.path(dir));
        store.append("c", Samples.chat(0, 2));
        disk.powerLoss(Loss.ALL, new Random(1)); // every directory entry not forced is gone
        store.close();
        try (FileConversationStore again = FileConversationStore.open(disk.boot(-1, new Random(2)).path(dir))) {
            assertThat(again.load("c").entries()).isEqualTo(Samples.chat(0, 2));
        }
    }

    @Test
    void aFileAKilledProcessCreatedIsMadeDurableBeforeTheNextProcessWritesToIt() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("store"));
        Path file = dir.resolve(FileNames.encode("c"));
        SimulatedDisk disk = new SimulatedDisk();
        // process 1 creates the file (empty, or with a forced first append) and is killed before forcing the directory
        for (boolean withContent : List.of(false, true)) {
            Files.deleteIfExists(file);
            CrashingFileSystem first = disk.boot(-1, new Random(1));
            try (FileChannel channel = FileChannel.open(first.path(file), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                if (withContent) {
                    channel.write(java.nio.ByteBuffer.wrap(RecordFormat.encode(RecordFormat.Line.header("c", Samples.T))));
                    channel.force(false);
                }
            }
            disk.kill();
            FileConversationStore store = FileConversationStore.open(disk.boot(-1, new Random(2)).path(dir));
            store.append("c", Samples.chat(0, 2));
            disk.powerLoss(Loss.ALL, new Random(3));
            store.close();
            try (FileConversationStore again = FileConversationStore.open(disk.boot(-1, new Random(4)).path(dir))) {
                assertThat(again.load("c").entries()).as("file with content: %s", withContent).isEqualTo(Samples.chat(0, 2));
            }
            disk.kill();
        }
    }

    record Outcome(int crashPoints, long acknowledged, String violation) {
    }

    /** One random history: crashes in several processes, then a last process that must find everything. */
    static Outcome scenario(Path root, long seed, boolean fsync) throws IOException {
        Files.createDirectories(root); // exists before the disk watches: durable
        Random random = new Random(seed);
        SimulatedDisk disk = new SimulatedDisk();
        Path dir = random.nextBoolean() ? root.resolve("store") : root.resolve("nested/deeper/store");
        Model model = new Model();
        int crashes = 2 + random.nextInt(5);
        int points = 0;
        for (int process = 0; process <= crashes; process++) {
            boolean last = process == crashes;
            CrashingFileSystem fs = disk.boot(last ? -1 : random.nextInt(50), random);
            FileConversationStore store = null;
            try {
                store = FileConversationStore.builder(fs.path(dir)).fsync(fsync).maxOpenFiles(1 + random.nextInt(3)).build();
                String violation = model.check(store);
                if (violation != null) {
                    return new Outcome(points, model.acknowledged, "process " + process + ": " + violation);
                }
                int ops = last ? IDS.size() : 5 + random.nextInt(25);
                for (int i = 0; i < ops; i++) {
                    model.step(store, random, last ? IDS.get(i) : null);
                }
                if (last) { // and the appends made after all the repairs are there too
                    store.close();
                    store = FileConversationStore.builder(fs.path(dir)).fsync(fsync).build();
                    violation = model.check(store);
                    store.close();
                    return new Outcome(points, model.acknowledged, violation == null ? null : "at the end: " + violation);
                }
            } catch (RuntimeException e) {
                if (!fs.crashed()) {
                    return new Outcome(points, model.acknowledged, "process " + process + " failed without a crash: " + e);
                }
            }
            if (random.nextInt(4) == 0) {
                disk.kill();
            } else {
                disk.powerLoss(random.nextInt(3) == 0 ? Loss.ALL : Loss.RANDOM, random);
            }
            points++;
            if (store != null) {
                store.close(); // frees this JVM's registry; the dead process's channels are already closed
            }
        }
        throw new AssertionError("unreachable");
    }

    /** One write the test asked for: entries, or a state value. */
    private record Op(List<TranscriptEntry> entries, String key, String value) {
    }

    /** What each conversation must hold: acknowledged operations, then ones that may or may not be there. */
    private static final class Model {
        final Map<String, List<Op>> durable = new HashMap<>();
        final Map<String, List<Op>> uncertain = new HashMap<>();
        long acknowledged;

        void step(FileConversationStore store, Random random, String fixedId) {
            String id = fixedId != null ? fixedId : IDS.get(random.nextInt(IDS.size()));
            View view = view(id, uncertain.getOrDefault(id, List.of()).size());
            Op op;
            if (random.nextInt(10) < 7 || fixedId != null) {
                int count = 1 + random.nextInt(3);
                List<TranscriptEntry> batch = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    long seq = view.entries().size() + i;
                    int length = random.nextInt(10) == 0 ? 1500 + random.nextInt(4000) : random.nextInt(400);
                    String text = (seq % 2 == 0 ? "question " : "answer ") + seq + " " + "y".repeat(length);
                    batch.add(TranscriptEntry.of(seq, seq % 2 == 0 ? Message.user(text) : Message.assistant(text), Samples.T));
                }
                op = new Op(batch, null, null);
            } else {
                String key = KEYS.get(random.nextInt(KEYS.size()));
                String current = view.state().get(key);
                String value = current != null && random.nextInt(4) == 0 ? current : "value " + random.nextInt(1000);
                op = new Op(null, key, value);
            }
            List<Op> pending = uncertain.computeIfAbsent(id, k -> new ArrayList<>());
            pending.add(op); // in flight: it may or may not survive a crash
            if (op.entries() != null) {
                store.append(id, op.entries());
            } else {
                store.putState(id, op.key(), op.value());
            }
            // acknowledged: it, and everything the store had read before it, is durable
            durable.computeIfAbsent(id, k -> new ArrayList<>()).addAll(pending);
            acknowledged += pending.size();
            pending.clear();
        }

        /** The conversation after the durable operations and the first {@code k} uncertain ones. */
        View view(String id, int k) {
            List<Op> ops = new ArrayList<>(durable.getOrDefault(id, List.of()));
            ops.addAll(uncertain.getOrDefault(id, List.of()).subList(0, k));
            List<TranscriptEntry> entries = new ArrayList<>();
            Map<String, String> state = new LinkedHashMap<>();
            for (Op op : ops) {
                if (op.entries() != null) {
                    entries.addAll(op.entries());
                } else {
                    state.put(op.key(), op.value());
                }
            }
            return new View(entries, state);
        }

        /** Null when the store holds exactly what it may; keeps the uncertain operations it found. */
        String check(FileConversationStore store) {
            Set<String> mustList = new HashSet<>();
            for (String id : IDS) {
                View found;
                try {
                    Map<String, String> state = new LinkedHashMap<>();
                    for (String key : KEYS) {
                        store.getState(id, key).ifPresent(v -> state.put(key, v));
                    }
                    found = new View(store.load(id).entries(), state);
                    int n = found.entries().size();
                    for (int last = 0; last <= Math.min(n, 3); last++) {
                        if (!store.loadLast(id, last).equals(found.entries().subList(n - last, n))) {
                            return "loadLast(" + last + ") of '" + id + "' disagrees with load";
                        }
                    }
                } catch (RuntimeException e) {
                    return "conversation '" + summary(id) + "' does not open: " + e;
                }
                List<Op> pending = uncertain.getOrDefault(id, new ArrayList<>());
                int match = -1;
                for (int k = pending.size(); k >= 0 && match < 0; k--) {
                    if (view(id, k).equals(found)) {
                        match = k;
                    }
                }
                if (match < 0) {
                    View expected = view(id, 0);
                    return "conversation '" + summary(id) + "' holds " + found.entries().size() + " entries and state "
                            + found.state() + "; acknowledged: " + expected.entries().size() + " entries and state "
                            + expected.state() + ", plus " + pending.size() + " unacknowledged operations";
                }
                uncertain.put(id, new ArrayList<>(pending.subList(0, match)));
                if (!durable.getOrDefault(id, List.of()).isEmpty()) {
                    mustList.add(id);
                }
            }
            Set<String> listed = store.conversationIds();
            if (!listed.containsAll(mustList) || !IDS.containsAll(listed)) {
                return "conversationIds() lists " + listed.stream().map(PowerLossTest::summary).toList();
            }
            return null;
        }
    }

    private record View(List<TranscriptEntry> entries, Map<String, String> state) {
    }

    static String summary(String id) {
        return id.length() > 20 ? id.substring(0, 20) + "..." : id;
    }
}
