package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.documents.FolderIndexer;
import dev.llamakit.documents.FolderLoader;
import dev.llamakit.documents.IndexReport;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.tests.store.MockDirectoryWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated power loss with Lucene's own tool: the index lives in a {@link MockDirectoryWrapper}, whose
 * {@link MockDirectoryWrapper#crash()} drops (deletes, zeroes or truncates) every file not yet fsynced. Round after
 * round a random folder is changed and indexed; in most rounds an I/O operation chosen at random (a write, a sync, a
 * rename, a delete: inside an upsert, a checkpoint commit, a merge or the deletes) fails and the machine "loses power"
 * right there. Then the index must open, and one more run must give exactly the documents of a clean build of the
 * folder (ids and text hashes), read straight from the last commit, and it must say it resumed exactly when the
 * power went after one of the interrupted run's checkpoints reached the disk. {@code -Dcrash.points=N} (default 200) sets how
 * many crashes to reach, {@code -Dcrash.seed=S} replays a run.
 */
class FolderIndexerCrashTest {
    private static final Logger log = LoggerFactory.getLogger(FolderIndexerCrashTest.class);

    /** Fails every I/O operation once armed and its countdown reaches zero: the machine is gone. */
    static final class PowerLoss extends MockDirectoryWrapper.Failure {
        private int countdown = -1;
        private int seen;
        boolean fired;

        void arm(int afterOperations) {
            countdown = afterOperations;
            seen = 0;
            fired = false;
        }

        int disarm() {
            countdown = -1;
            return seen;
        }

        @Override
        public void eval(MockDirectoryWrapper dir) throws IOException {
            if (countdown < 0) {
                return;
            }
            seen++;
            if (fired || --countdown == 0) {
                fired = true;
                throw new MockDirectoryWrapper.FakeIOException();
            }
        }
    }

    @Test
    void theIndexOpensAndConvergesAfterEveryCrash(@TempDir Path tmp) throws IOException {
        int target = Integer.getInteger("crash.points", 200);
        long seed = Long.getLong("crash.seed", System.nanoTime());
        log.info("crash test: seed {} (-Dcrash.seed={} replays it), {} crash points", seed, seed, target);
        Random random = new Random(seed);
        RandomFolder folder = new RandomFolder(tmp.resolve("docs"), random, 40);
        folder.mutate(12);

        MockDirectoryWrapper mock = new MockDirectoryWrapper(random, new ByteBuffersDirectory());
        mock.setCheckIndexOnClose(false);
        mock.setAssertNoUnrefencedFilesOnClose(false);
        mock.setThrottling(MockDirectoryWrapper.Throttling.NEVER);
        mock.setUseSlowOpenClosers(false);
        PowerLoss power = new PowerLoss();
        mock.failOn(power);
        Directory shared = new FilterDirectory(mock) {
            @Override
            public void close() {
                // the retriever closes its directory; the simulated disk outlives it
            }
        };

        int crashes = 0;
        int rounds = 0;
        int operations = 0; // the I/O operations of a run, learnt from the runs that finish (the first one does)
        long resumed = 0;
        java.util.Map<String, Integer> where = new java.util.TreeMap<>();
        while (crashes < target) {
            rounds++;
            assertThat(rounds).as("rounds without reaching %s crashes (seed %s)", target, seed).isLessThan(target * 4);
            folder.mutate(1 + random.nextInt(random.nextInt(5) == 0 ? 20 : 4));
            Bm25Retriever retriever = open(shared);
            power.arm(operations == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(operations + operations / 4));
            try {
                indexer(retriever, folder.root, random).index();
                operations = power.disarm();
                retriever.close();
            } catch (RuntimeException e) {
                if (!power.fired) {
                    throw e;
                }
                power.disarm();
                crashes++;
                where.merge(where(e), 1, Integer::sum);
                mock.crash(); // power loss: what was not fsynced is gone
                try {
                    retriever.close(); // only lets go of the writer: the simulated disk refuses every change
                } catch (RuntimeException ignored) {
                    // expected after a crash
                }
                mock.clearCrash();
                boolean checkpointSurvived = lastCommitIsACheckpoint(mock);
                try (Bm25Retriever again = open(shared)) {
                    IndexReport report = indexer(again, folder.root, random).index();
                    // a run resumes exactly when the power went after one of its checkpoints reached the disk
                    assertThat(report.resumed()).as("resumed, round %s (seed %s)", rounds, seed)
                            .isEqualTo(checkpointSurvived);
                    resumed += report.resumed() ? 1 : 0;
                }
            }
            assertThat(IndexContents.of(mock)).as("round %s, %s crashes (seed %s)", rounds, crashes, seed)
                    .isEqualTo(IndexContents.expected(folder.root));
        }
        String figures = "crash test: " + rounds + " rounds, " + crashes + " crash points " + where + ", " + resumed
                + " runs resumed an interrupted one, documents lost: 0 (seed " + seed + ")";
        log.info(figures);
        System.out.println(figures);
        assertThat(where.keySet()).as("crash points in commits and in writes").contains("commit", "write");
        // how often a crash lands after a checkpoint depends on the seed (2-6 in 200 is usual, 0 happens): each one was
        // checked above, and FolderIndexDurabilityTest interrupts a Lucene run after a checkpoint on purpose
        mock.close();
    }

    /** Where the power went: in a commit (checkpoint), or in a write (upsert, delete, merge). */
    private static String where(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (StackTraceElement f : t.getStackTrace()) {
                if (f.getClassName().endsWith("IndexWriter") && (f.getMethodName().contains("ommit"))) {
                    return "commit";
                }
            }
        }
        return "write";
    }

    /** Whether the last commit on the disk is a checkpoint taken in the middle of a run (its manifest is partial). */
    private static boolean lastCommitIsACheckpoint(Directory dir) throws IOException {
        if (!DirectoryReader.indexExists(dir)) {
            return false;
        }
        String manifest = SegmentInfos.readLatestCommit(dir).getUserData().get("app.folder.manifest");
        if (manifest == null) {
            return false;
        }
        byte[] gzip = Base64.getDecoder().decode(manifest.substring("gzip:".length()));
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return new ObjectMapper().readTree(in).path("partial").asBoolean(false);
        }
    }

    private static Bm25Retriever open(Directory dir) {
        return Bm25Retriever.builder().luceneDirectory(Path.of("simulated-disk"), dir).build();
    }

    private static FolderIndexer indexer(Bm25Retriever retriever, Path root, Random random) {
        return FolderIndexer.builder(retriever, FolderLoader.of(root)).batchSize(1 + random.nextInt(6))
                .checkpointEvery(Duration.ZERO).build();
    }
}
