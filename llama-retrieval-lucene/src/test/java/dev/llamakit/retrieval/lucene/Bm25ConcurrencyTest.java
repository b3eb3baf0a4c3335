package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievedChunk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Searches run while documents are upserted and deleted, in memory and on disk. */
class Bm25ConcurrencyTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void searchesDuringWritesSeeConsistentIndexes(boolean onDisk, @TempDir Path dir) throws Exception {
        Bm25Retriever.Builder builder = Bm25Retriever.builder();
        if (onDisk) {
            builder.indexDirectory(dir.resolve("index"));
        }
        try (Bm25Retriever r = builder.build()) {
            // stable documents that are always there; churn documents come and go
            List<Document> stable = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                stable.add(Document.builder("s" + i).title("stable " + i).text("common words about retrieval " + i)
                        .build());
            }
            r.upsert(stable);
            AtomicBoolean writing = new AtomicBoolean(true);
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger searches = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch started = new CountDownLatch(3);
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                readers.add(pool.submit(() -> {
                    started.countDown();
                    while (writing.get()) {
                        try {
                            List<RetrievedChunk> hits = r.retrieve("common retrieval churn", 200);
                            long stableHits = hits.stream().filter(h -> h.chunk().documentId().startsWith("s"))
                                    .count();
                            if (stableHits != 50) {
                                failures.add(new AssertionError("saw " + stableHits + " stable documents"));
                            }
                            for (RetrievedChunk h : hits) {
                                if (!h.chunk().text().contains(h.chunk().documentId().substring(1))) {
                                    failures.add(new AssertionError("chunk text mismatch " + h.chunk()));
                                }
                            }
                            long count = r.count();
                            if (count < 50 || count > 70) {
                                failures.add(new AssertionError("count " + count));
                            }
                            searches.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            started.await();
            for (int round = 0; round < 40; round++) {
                List<Document> churn = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    churn.add(Document.of("c" + i, "churn common " + i + " round " + round));
                }
                r.upsert(churn);
                assertThat(r.retrieve("round " + round, 100)).isNotEmpty(); // visible on return
                if (round % 2 == 1) {
                    r.delete(churn.stream().map(Document::id).toList());
                    assertThat(r.retrieve("churn", 100)).isEmpty();
                }
            }
            writing.set(false);
            for (Future<?> f : readers) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(failures).isEmpty();
            assertThat(searches.get()).isPositive();
            assertThat(r.count()).isEqualTo(50);
        }
    }
}
