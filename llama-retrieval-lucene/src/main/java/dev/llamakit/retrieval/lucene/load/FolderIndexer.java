package dev.llamakit.retrieval.lucene.load;

import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.lucene.load.FolderLoader.Candidate;
import dev.llamakit.retrieval.lucene.load.FolderLoader.IdClaims;
import dev.llamakit.retrieval.lucene.load.FolderLoader.Outcome;
import dev.llamakit.retrieval.lucene.load.LoadReport.SkippedFile;
import dev.llamakit.retrieval.lucene.load.LoadReport.SkippedLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link Retriever} in step with a folder, touching only what changed. Each {@link #index()} walks the folder
 * with its {@link FolderLoader} and compares every file with the <em>manifest</em> (a small JSON file: path → size,
 * modified time, SHA-256, document ids) written by the previous run:
 * <ul>
 *   <li>a file with the size and modified time recorded is <b>unchanged</b> and not read at all, unless it was
 *       modified within {@value #RACY_SECONDS} s before the previous scan started (a later change could then keep the
 *       same timestamp on a coarse file system) or {@link Builder#verifyContent(boolean)} is on: then it is hashed,
 *       and unchanged if the hash is the same;</li>
 *   <li>a file whose hash differs is <b>updated</b>: loaded and upserted, and the documents it no longer gives (lines
 *       gone from a jsonl file) deleted;</li>
 *   <li>a new file is <b>added</b>; a file gone (or now excluded) is <b>deleted</b>: its documents are deleted;</li>
 *   <li>a file that cannot be loaded is <b>skipped</b> (reported, never fatal) and what was indexed from it before
 *       is kept until it is readable again or removed.</li>
 * </ul>
 * Upserts go in batches of {@link Builder#batchSize(int)} documents, then deletes, then the manifest is written
 * atomically (temp file, fsync, atomic rename). A crash before the manifest is written only means the next run
 * redoes the same upserts and deletes, which are idempotent. When the retriever holds fewer documents than the
 * manifest records (an in-memory retriever in a new process, a lost index), every file is loaded again
 * ({@link IndexReport#rebuilt()}). Keep the manifest beside the index ({@link #manifestBeside(Path)}) and use one
 * manifest per retriever; for an on-disk retriever the manifest records what was handed to it, so its own commit
 * must be durable (close it, or use one that commits on upsert).
 *
 * <p>A document id belongs to one file: a file that gives an id another file already gives has that document
 * skipped (reported as a skipped line or file). One run at a time per manifest: {@link #index()} is synchronized
 * and holds an OS file lock on {@code <manifest>.lock}; another process indexing with the same manifest fails
 * fast.
 */
public final class FolderIndexer {
    /** Files modified this close before the previous scan started are hashed even when size and time match. */
    public static final int RACY_SECONDS = 2;
    /** The default number of documents per upsert call. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(FolderIndexer.class);

    private final Retriever retriever;
    private final FolderLoader loader;
    private final Path manifest;
    private final int batchSize;
    private final boolean verifyContent;

    private FolderIndexer(Builder b) {
        this.retriever = b.retriever;
        this.manifest = b.manifest.toAbsolutePath().normalize();
        this.loader = b.loader.ignoring(this.manifest).ignoring(lockFile(this.manifest));
        this.batchSize = b.batchSize;
        this.verifyContent = b.verifyContent;
    }

    /** An indexer of {@code loader}'s folder into {@code retriever}, with its manifest at {@code manifest}. */
    public static FolderIndexer of(Retriever retriever, FolderLoader loader, Path manifest) {
        return builder(retriever, loader).manifest(manifest).build();
    }

    public static Builder builder(Retriever retriever, FolderLoader loader) {
        return new Builder(retriever, loader);
    }

    /** The conventional manifest of an on-disk index: {@code <indexDir>.manifest.json}, beside the index folder. */
    public static Path manifestBeside(Path indexDir) {
        Path abs = indexDir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".manifest.json");
    }

    public Path manifest() {
        return manifest;
    }

    private static Path lockFile(Path manifest) {
        return manifest.resolveSibling(manifest.getFileName() + ".lock");
    }

    /**
     * Brings the retriever in step with the folder.
     *
     * @throws IllegalStateException when the manifest cannot be read or another process is indexing with it
     * @throws UncheckedIOException  when the folder or the manifest cannot be accessed at all
     */
    public synchronized IndexReport index() {
        Path lock = lockFile(manifest);
        try {
            Files.createDirectories(manifest.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + manifest, e);
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock held;
            try {
                held = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                held = null;
            }
            if (held == null) {
                throw new IllegalStateException("another indexer is updating with the manifest " + manifest);
            }
            try {
                return indexLocked();
            } finally {
                held.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lock, e);
        }
    }

    private IndexReport indexLocked() {
        Instant started = Instant.now();
        Manifest old = Manifest.read(manifest);
        if (old.root() != null && !old.root().equals(loader.root().toString())) {
            LOG.warn("the manifest {} was written for {}, now indexing {}; paths are relative, so this goes on",
                    manifest, old.root(), loader.root());
        }
        List<SkippedFile> skippedFiles = new ArrayList<>();
        List<Candidate> candidates = loader.scan(skippedFiles);
        long expected = old.documents();
        long have = retriever.count();
        boolean rebuild = expected > 0 && have < expected;
        if (rebuild) {
            LOG.warn("the retriever holds {} documents but the manifest {} records {}: loading every file again", have,
                    manifest, expected);
        }

        Map<String, Candidate> present = new HashMap<>();
        candidates.forEach(c -> present.put(c.path(), c));
        Set<String> skippedAtScan = new java.util.HashSet<>();
        skippedFiles.forEach(s -> skippedAtScan.add(s.path()));

        // ids of files still there belong to them until they are re-read
        IdClaims claims = new IdClaims();
        old.files().forEach((path, e) -> {
            if (present.containsKey(path) || skippedAtScan.contains(path)) {
                e.ids().forEach(id -> claims.claim(id, path));
            }
        });

        Map<String, Manifest.Entry> next = new TreeMap<>();
        List<SkippedLine> skippedLines = new ArrayList<>();
        List<Document> batch = new ArrayList<>();
        int added = 0;
        int updated = 0;
        int unchanged = 0;
        long upserted = 0;
        for (Candidate c : candidates) {
            Manifest.Entry prev = old.files().get(c.path());
            if (prev != null && !rebuild) {
                if (!verifyContent && prev.size() == c.size() && prev.modified().equals(c.modified())
                        && settled(prev.modified(), old.scanStarted())) {
                    next.put(c.path(), prev);
                    unchanged++;
                    continue;
                }
                String hash;
                try {
                    hash = FolderLoader.sha256(c.file());
                } catch (IOException e) {
                    String reason = "unreadable: " + FolderLoader.describe(e);
                    LOG.warn("skipping {}: {}", c.path(), reason);
                    skippedFiles.add(new SkippedFile(c.path(), reason));
                    next.put(c.path(), prev);
                    continue;
                }
                if (hash.equals(prev.sha256())) {
                    next.put(c.path(), new Manifest.Entry(c.size(), c.modified(), hash, prev.ids()));
                    unchanged++;
                    continue;
                }
            }
            if (prev != null) {
                prev.ids().forEach(id -> claims.releaseIfOwner(id, c.path()));
            }
            Outcome o = loader.read(c, claims);
            skippedLines.addAll(o.lines());
            if (o.loaded() == null) {
                skippedFiles.add(o.skipped());
                if (prev != null) {
                    prev.ids().forEach(id -> claims.claim(id, c.path()));
                    next.put(c.path(), prev);
                }
                continue;
            }
            List<String> ids = new ArrayList<>();
            for (Document d : o.loaded().documents()) {
                ids.add(d.id());
                batch.add(d);
                if (batch.size() >= batchSize) {
                    retriever.upsert(List.copyOf(batch));
                    upserted += batch.size();
                    batch.clear();
                }
            }
            next.put(c.path(), new Manifest.Entry(c.size(), c.modified(), o.loaded().contentHash(), ids));
            if (prev == null || rebuild) {
                added++;
            } else {
                updated++;
            }
        }
        if (!batch.isEmpty()) {
            retriever.upsert(List.copyOf(batch));
            upserted += batch.size();
            batch.clear();
        }

        // files gone: their entries are dropped (files skipped at the scan keep theirs)
        int deleted = 0;
        for (Map.Entry<String, Manifest.Entry> e : old.files().entrySet()) {
            String path = e.getKey();
            if (present.containsKey(path)) {
                continue;
            }
            if (skippedAtScan.contains(path)) {
                next.put(path, e.getValue());
            } else {
                deleted++;
            }
        }
        Set<String> keep = new java.util.HashSet<>();
        next.values().forEach(e -> keep.addAll(e.ids()));
        Set<String> gone = new LinkedHashSet<>();
        old.files().values().forEach(e -> e.ids().forEach(id -> {
            if (!keep.contains(id)) {
                gone.add(id);
            }
        }));
        if (!gone.isEmpty()) {
            List<String> ids = new ArrayList<>(gone);
            for (int i = 0; i < ids.size(); i += batchSize) {
                retriever.delete(List.copyOf(ids.subList(i, Math.min(ids.size(), i + batchSize))));
            }
        }

        new Manifest(started, loader.root().toString(), next).write(manifest);
        skippedFiles.sort(java.util.Comparator.comparing(SkippedFile::path));
        IndexReport report = new IndexReport(added, updated, deleted, unchanged, skippedFiles.size(), upserted,
                gone.size(), rebuild, skippedFiles, skippedLines);
        LOG.info("indexed {}: {}", loader.root(), report);
        return report;
    }

    /** Whether a file's recorded time is safely before the scan that recorded it (see {@link #RACY_SECONDS}). */
    private static boolean settled(Instant modified, Instant previousScan) {
        return previousScan != null && modified.isBefore(previousScan.minus(Duration.ofSeconds(RACY_SECONDS)));
    }

    @Override
    public String toString() {
        return "FolderIndexer[" + loader + " -> " + retriever.name() + ", manifest " + manifest + "]";
    }

    /** Builds a {@link FolderIndexer}. */
    public static final class Builder {
        private final Retriever retriever;
        private final FolderLoader loader;
        private Path manifest;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private boolean verifyContent;

        private Builder(Retriever retriever, FolderLoader loader) {
            this.retriever = Objects.requireNonNull(retriever, "retriever");
            this.loader = Objects.requireNonNull(loader, "loader");
        }

        /** Where the manifest is kept (required); e.g. {@link FolderIndexer#manifestBeside(Path)} of the index. */
        public Builder manifest(Path manifest) {
            this.manifest = Objects.requireNonNull(manifest, "manifest");
            return this;
        }

        /** Documents per upsert call (default {@value FolderIndexer#DEFAULT_BATCH_SIZE}). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Hash every file instead of trusting an unchanged size and modified time (default false). Turn it on when
         * files may be replaced with their timestamps kept ({@code cp -p}, {@code rsync -t}, archives).
         */
        public Builder verifyContent(boolean verifyContent) {
            this.verifyContent = verifyContent;
            return this;
        }

        public FolderIndexer build() {
            if (manifest == null) {
                throw new IllegalStateException("a FolderIndexer needs a manifest path: builder.manifest(path)");
            }
            return new FolderIndexer(this);
        }
    }
}
