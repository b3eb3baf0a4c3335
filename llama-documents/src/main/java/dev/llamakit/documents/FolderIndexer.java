package dev.llamakit.documents;

import dev.llamakit.documents.FolderLoader.Candidate;
import dev.llamakit.documents.FolderLoader.IdClaims;
import dev.llamakit.documents.FolderLoader.Outcome;
import dev.llamakit.documents.LoadReport.SkippedFile;
import dev.llamakit.documents.LoadReport.SkippedLine;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.Retriever;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link Retriever} in step with a folder, touching only what changed. Each {@link #index()} walks the folder
 * with its {@link FolderLoader} and compares every file with the <em>manifest</em> (path → size, modified time,
 * SHA-256, document ids) of the previous run:
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
 *
 * <p><b>Who owns an id.</b> A document id belongs to the first file, in the loader's walk order (and the first line
 * within a file), that holds it, exactly as {@link FolderLoader#load()} decides: so an incremental run always ends
 * with the documents a clean build of the same folder has, whichever way ids moved between files. Later copies are
 * reported as skipped lines (or files) and remembered, so that when the owner lets go of the id the next copy takes
 * it over.
 *
 * <p><b>Where the manifest lives.</b> With a retriever implementing {@link IndexCommits} (the Lucene ones) the
 * manifest is part of the index: it is written by the same atomic commit as the documents, so the two agree by
 * construction, a copy of the index folder carries its own manifest, and a crash or power loss leaves both as of
 * one commit. Writes are committed every {@link Builder#checkpointEvery(Duration)} and at the end; an interrupted
 * run loses at most the work since the last commit, and the next run resumes from there (files left partly written
 * are read again): a batch is written early when a commit is due. A manifest file given for such a retriever is an
 * old layout: it is taken over once (every file is read again, its documents are the ones to delete if gone) and
 * removed with its lock file. Any other retriever keeps the manifest in a file
 * ({@link Builder#manifest(Path)}), rewritten atomically before each batch of upserts (it names the files being
 * written as pending) and after the run; one process at a time holds the OS lock on {@code <manifest>.lock}, which
 * records its process id. When such a retriever holds fewer documents than the manifest records (an in-memory
 * retriever in a new process, a lost index), every file is loaded again ({@link IndexReport#rebuilt()}).
 *
 * <p>One run at a time per indexer ({@link #index()} is synchronized); a Lucene index's own write lock keeps other
 * processes out.
 */
public final class FolderIndexer {
    /** Files modified this close before the previous scan started are hashed even when size and time match. */
    public static final int RACY_SECONDS = 2;
    /** The default number of documents per upsert call. */
    public static final int DEFAULT_BATCH_SIZE = 1000;
    /** The default time between commits of a Lucene index during a run. */
    public static final Duration DEFAULT_CHECKPOINT_EVERY = Duration.ofSeconds(5);
    /** The commit data key of the manifest in a Lucene index. */
    static final String COMMIT_KEY = "folder.manifest";

    private static final Logger LOG = LoggerFactory.getLogger(FolderIndexer.class);

    private final Retriever retriever;
    private final FolderLoader loader;
    private final Path manifest; // file mode, or the old layout to take over; may be null with commits
    private final IndexCommits commits; // null: file mode
    private final int batchSize;
    private final boolean verifyContent;
    private final Duration checkpointEvery;
    private final LongSupplier nanos;

    private FolderIndexer(Builder b) {
        this.retriever = b.retriever;
        this.commits = b.commits != null ? b.commits : ownCommits(b.retriever, b.manifest);
        this.manifest = b.manifest == null ? null : b.manifest.toAbsolutePath().normalize();
        FolderLoader l = b.loader;
        if (manifest != null) {
            l = l.ignoring(manifest).ignoring(lockFile(manifest));
        }
        this.loader = l;
        this.batchSize = b.batchSize;
        this.verifyContent = b.verifyContent;
        this.checkpointEvery = b.checkpointEvery;
        this.nanos = b.nanos;
    }

    /**
     * The retriever's own commits when it keeps the manifest: a Lucene retriever on disk, or one in memory when no
     * manifest file is given (an in-memory index with a manifest file keeps using the file).
     */
    private static IndexCommits ownCommits(Retriever retriever, Path manifest) {
        return retriever instanceof IndexCommits c && (manifest == null || c.durable()) ? c : null;
    }

    /** An indexer of {@code loader}'s folder into {@code retriever}, with its manifest at {@code manifest}. */
    public static FolderIndexer of(Retriever retriever, FolderLoader loader, Path manifest) {
        return builder(retriever, loader).manifest(manifest).build();
    }

    /** An indexer of {@code loader}'s folder into a Lucene retriever, which keeps the manifest in its commits. */
    public static FolderIndexer of(Retriever retriever, FolderLoader loader) {
        return builder(retriever, loader).build();
    }

    public static Builder builder(Retriever retriever, FolderLoader loader) {
        return new Builder(retriever, loader);
    }

    /**
     * Where manifests were kept before they moved into the index: {@code <indexDir>.manifest.json}, beside the index
     * folder. Give it to {@link Builder#manifest(Path)} of a Lucene retriever to take it over.
     */
    public static Path manifestBeside(Path indexDir) {
        Path abs = indexDir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".manifest.json");
    }

    /** The manifest file (any retriever), or the old-layout file taken over (Lucene); null if none. */
    public Path manifest() {
        return manifest;
    }

    /** Whether the manifest is kept in the index's commits (a Lucene retriever). */
    public boolean manifestInIndex() {
        return commits != null;
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
        if (commits != null) {
            return indexIntoCommits();
        }
        Path lock = lockFile(manifest);
        try {
            Files.createDirectories(manifest.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + manifest, e);
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            FileLock held;
            try {
                held = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                held = null;
            }
            if (held == null) {
                throw new IllegalStateException("another indexer is updating with the manifest " + manifest
                        + holder(ch) + "; wait for it to finish");
            }
            try {
                // An OS lock dies with its process: a lock file left by a killed run is simply taken over.
                ch.truncate(0).write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
                        .getBytes(StandardCharsets.US_ASCII)), 0);
                Manifest old = Manifest.read(manifest);
                long expected = old.files().values().stream().filter(Manifest.Entry::complete)
                        .mapToLong(e -> e.ids().size()).sum();
                long have = retriever.count();
                boolean rebuild = expected > 0 && have < expected;
                if (rebuild) {
                    LOG.warn("the retriever holds {} documents but the manifest {} records {}: loading every file"
                            + " again", have, manifest, expected);
                }
                return new Run(old, rebuild, new FileStore()).run();
            } finally {
                held.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lock, e);
        }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            int n = ch.read(buf, 0);
            String pid = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d+") ? " (process " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private IndexReport indexIntoCommits() {
        String value = commits.committedValue(COMMIT_KEY);
        Manifest old;
        boolean rebuild = false;
        boolean legacy = false;
        if (value != null) {
            old = Manifest.decode(value, "the folder manifest stored in the index");
        } else if (manifest != null && Files.exists(manifest)) {
            legacy = true;
            rebuild = true;
            Manifest read;
            try {
                read = Manifest.read(manifest);
            } catch (RuntimeException e) {
                LOG.warn("cannot take over the old manifest {} ({}); reading every file again", manifest,
                        e.getMessage());
                read = Manifest.empty();
            }
            old = read;
            LOG.info("taking over the manifest {} into the index: reading every file again once", manifest);
        } else {
            old = Manifest.empty();
            rebuild = retriever.count() > 0;
            if (rebuild) {
                LOG.warn("the index holds documents but no folder manifest: loading every file again");
            }
        }
        if (old.interrupted()) {
            LOG.info("resuming an interrupted run ({} files were partly written)",
                    old.files().values().stream().filter(e -> !e.complete()).count());
        }
        commits.deferCommits(true);
        IndexReport report = new Run(old, rebuild, new CommitStore()).run();
        commits.deferCommits(false);
        if (manifest != null) {
            // the old layout: a manifest and its lock beside the index; a lock left alone is a killed run's
            for (Path p : legacy ? List.of(manifest, lockFile(manifest)) : List.of(lockFile(manifest))) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot remove the old manifest file {} (no longer used): {}", p, e.toString());
                }
            }
        }
        return report;
    }

    /** Where a run records its progress. */
    private interface Store {
        /** Before a batch of upserts: the state with the files being written as pending. */
        void beforeWrite(Run run);

        /** After a batch of upserts. */
        void afterWrite(Run run);

        /** After the deletes: the final manifest. */
        void finish(Manifest last);

        /** After a failure: record what was done, if that is possible. */
        void failed(Run run);

        /** Whether a checkpoint is due: the batch is then written before it is full. */
        boolean due();
    }

    /** The manifest in a file, written before every batch (pending files named) and at the end. */
    private final class FileStore implements Store {
        @Override
        public void beforeWrite(Run run) {
            run.snapshot().write(manifest);
        }

        @Override
        public void afterWrite(Run run) {
        }

        @Override
        public void finish(Manifest last) {
            last.write(manifest);
        }

        @Override
        public void failed(Run run) {
        }

        @Override
        public boolean due() {
            return false;
        }
    }

    /** The manifest in the Lucene commit: commits every {@code checkpointEvery} and at the end. */
    private final class CommitStore implements Store {
        private long lastCommit = nanos.getAsLong();

        @Override
        public void beforeWrite(Run run) {
        }

        @Override
        public void afterWrite(Run run) {
            if (due()) {
                commit(run.snapshot());
                run.checkpoints++;
            }
        }

        @Override
        public boolean due() {
            return nanos.getAsLong() - lastCommit >= checkpointEvery.toNanos();
        }

        @Override
        public void finish(Manifest last) {
            commit(last);
        }

        @Override
        public void failed(Run run) {
            try {
                commit(run.snapshot()); // the work done so far, with the files being written as pending
            } catch (RuntimeException e) {
                LOG.debug("could not commit the work done before the failure", e);
            }
        }

        private void commit(Manifest m) {
            commits.commit(Map.of(COMMIT_KEY, m.encode()));
            lastCommit = nanos.getAsLong();
        }
    }

    /** One {@link #index()} run. */
    private final class Run {
        final Manifest old;
        final boolean rebuild;
        final Store store;
        final Instant started = Instant.now();
        /** Ids the old manifest says the index may hold: candidates for deletion. */
        final Set<String> oldIndexed;
        /** Entries of the files processed and written. */
        final Map<String, Manifest.Entry> done = new TreeMap<>();
        /** Entries of the files whose documents are in the unwritten batch. */
        final Map<String, Manifest.Entry> batchFiles = new LinkedHashMap<>();
        /** The file being added to the batch, partly written when the batch was full: its pending entry. */
        String currentPath;
        Manifest.Entry currentEntry;
        /** Every id held by the files processed so far, and the first file holding it. */
        final Map<String, String> givenBy = new HashMap<>();
        final List<Document> batch = new ArrayList<>();
        final List<SkippedFile> skippedFiles = new ArrayList<>();
        final List<SkippedLine> skippedLines = new ArrayList<>();
        int added;
        int updated;
        int unchanged;
        int deleted;
        long upserted;
        int checkpoints;

        Run(Manifest old, boolean rebuild, Store store) {
            this.old = old;
            this.rebuild = rebuild;
            this.store = store;
            this.oldIndexed = old.indexedIds();
        }

        IndexReport run() {
            try {
                return runChecked();
            } catch (RuntimeException | Error e) {
                store.failed(this);
                throw e;
            }
        }

        private IndexReport runChecked() {
            if (old.root() != null && !old.root().equals(loader.root().toString())) {
                LOG.warn("the manifest was written for {}, now indexing {}; paths are relative, so this goes on",
                        old.root(), loader.root());
            }
            List<Candidate> candidates = loader.scan(skippedFiles);
            Set<String> present = new HashSet<>();
            candidates.forEach(c -> present.add(c.path()));
            Set<String> skippedAtScan = new HashSet<>();
            skippedFiles.forEach(s -> skippedAtScan.add(s.path()));

            for (Candidate c : candidates) {
                process(c);
            }
            // files the scan could not look at keep what they had, after every file it could
            for (Map.Entry<String, Manifest.Entry> e : old.files().entrySet()) {
                if (!present.contains(e.getKey()) && skippedAtScan.contains(e.getKey())) {
                    keep(e.getKey(), e.getValue(), false);
                }
            }
            flush();
            for (String path : old.files().keySet()) {
                if (!present.contains(path) && !skippedAtScan.contains(path)) {
                    deleted++;
                }
            }

            Set<String> owned = new HashSet<>();
            done.values().forEach(e -> owned.addAll(e.ids()));
            List<String> gone = new ArrayList<>();
            for (String id : oldIndexed) {
                if (!owned.contains(id)) {
                    gone.add(id);
                }
            }
            gone.sort(Comparator.naturalOrder());
            for (int i = 0; i < gone.size(); i += batchSize) {
                retriever.delete(List.copyOf(gone.subList(i, Math.min(gone.size(), i + batchSize))));
            }
            store.finish(new Manifest(started, loader.root().toString(), done));

            skippedFiles.sort(Comparator.comparing(SkippedFile::path));
            IndexReport report = new IndexReport(added, updated, deleted, unchanged, skippedFiles.size(), upserted,
                    gone.size(), rebuild, skippedFiles, skippedLines, old.interrupted());
            LOG.info("indexed {}: {}", loader.root(), report);
            return report;
        }

        /** One file of the walk, in order. */
        private void process(Candidate c) {
            Manifest.Entry prev = old.files().get(c.path());
            if (prev != null && !rebuild && prev.complete()) {
                String hash = null;
                boolean same = !verifyContent && prev.size() == c.size() && prev.modified().equals(c.modified())
                        && settled(prev.modified(), old.scanStarted());
                if (!same) {
                    try {
                        hash = FolderLoader.sha256(c.file());
                    } catch (IOException e) {
                        String reason = "unreadable: " + FolderLoader.describe(e);
                        LOG.warn("skipping {}: {}", c.path(), reason);
                        skippedFiles.add(new SkippedFile(c.path(), reason));
                        keep(c.path(), prev, false);
                        return;
                    }
                    same = hash.equals(prev.sha256());
                }
                if (same && !takesOverAnId(prev)) {
                    Manifest.Entry now = hash == null ? prev
                            : new Manifest.Entry(c.size(), c.modified(), hash, prev.ids(), prev.shadowed(), true);
                    keep(c.path(), now, true); // an earlier file may have taken some of its ids: keep() re-divides
                    unchanged++;
                    return;
                }
            }
            Outcome o = loader.read(c, new IdClaims()); // duplicates within the file only; across files below
            skippedLines.addAll(o.lines());
            if (o.loaded() == null) {
                skippedFiles.add(o.skipped());
                if (prev != null) {
                    keep(c.path(), prev, false);
                }
                return;
            }
            List<Document> mine = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<String> shadowed = new ArrayList<>();
            Formats.Format format = Formats.of(c.file().getFileName().toString());
            boolean jsonl = format == Formats.Format.JSONL || format == Formats.Format.JSONL_GZ;
            for (Document d : o.loaded().documents()) {
                String owner = givenBy.putIfAbsent(d.id(), c.path());
                if (owner == null) {
                    mine.add(d);
                    ids.add(d.id());
                } else if (jsonl) {
                    shadowed.add(d.id());
                    long line = Long.parseLong(d.metadata().getOrDefault("line", "0"));
                    LOG.warn("skipping {} line {}: duplicate _id '{}' (first in {})", c.path(), line, d.id(), owner);
                    skippedLines.add(new SkippedLine(c.path(), line,
                            "duplicate _id '" + d.id() + "' (first in " + owner + ")"));
                } else {
                    shadowed.add(d.id());
                    String reason = "its document id '" + d.id() + "' is already used by " + owner;
                    LOG.warn("skipping {}: {}", c.path(), reason);
                    skippedFiles.add(new SkippedFile(c.path(), reason));
                }
            }
            Manifest.Entry entry = new Manifest.Entry(c.size(), c.modified(), o.loaded().contentHash(), ids,
                    shadowed, true);
            // a file whose one document is another's is reported as skipped; its entry remembers the id
            boolean skippedWhole = !jsonl && mine.isEmpty() && !shadowed.isEmpty();
            if (!skippedWhole && (prev == null || rebuild)) {
                added++;
            } else if (!skippedWhole) {
                updated++;
            }
            // pending while its documents are being written; waits for the batch holding its last one
            currentPath = c.path();
            currentEntry = entry.pending();
            if (mine.isEmpty()) {
                fileAdded(c.path(), entry);
            }
            for (int i = 0; i < mine.size(); i++) {
                batch.add(mine.get(i));
                if (i == mine.size() - 1) {
                    fileAdded(c.path(), entry);
                }
                if (batch.size() >= batchSize || (!checkpointEvery.isZero() && store.due())) {
                    flush();
                }
            }
        }

        private void fileAdded(String path, Manifest.Entry entry) {
            batchFiles.put(path, entry);
            currentPath = null;
            currentEntry = null;
        }

        /** Whether an unchanged file now owns an id it only shadowed: then it is read again to write it. */
        private boolean takesOverAnId(Manifest.Entry prev) {
            for (String id : prev.shadowed()) {
                if (!givenBy.containsKey(id)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Records a file not read: unchanged ({@code readable}), or unreadable, keeping what was indexed from it.
         * Its ids are divided again between it and the files before it; an unreadable file claims none it only
         * shadowed (it could not write them).
         */
        private void keep(String path, Manifest.Entry prev, boolean readable) {
            List<String> ids = new ArrayList<>();
            List<String> shadowed = new ArrayList<>();
            for (String id : prev.ids()) {
                (givenBy.putIfAbsent(id, path) == null ? ids : shadowed).add(id);
            }
            for (String id : prev.shadowed()) {
                if (readable) {
                    givenBy.putIfAbsent(id, path);
                }
                shadowed.add(id);
            }
            done.put(path, new Manifest.Entry(prev.size(), prev.modified(), prev.sha256(), ids, shadowed,
                    prev.complete()));
        }

        /** Writes the batch; the files whose documents it held are then done. */
        void flush() {
            if (batch.isEmpty()) {
                done.putAll(batchFiles);
                batchFiles.clear();
                return;
            }
            store.beforeWrite(this);
            retriever.upsert(List.copyOf(batch));
            upserted += batch.size();
            batch.clear();
            done.putAll(batchFiles);
            batchFiles.clear();
            store.afterWrite(this);
        }

        /**
         * The state now, safe to record at any time: files written are done, files in the batch or partly written
         * are pending, files not reached yet and files gone keep their old entries, and ids the index may hold
         * without an owner are retired. Its scan time is the older one, so racy files stay suspect.
         */
        Manifest snapshot() {
            Map<String, Manifest.Entry> entries = new TreeMap<>(old.files());
            entries.putAll(done);
            batchFiles.forEach((p, e) -> entries.put(p, e.pending()));
            if (currentPath != null) {
                entries.put(currentPath, currentEntry);
            }
            Set<String> owned = new HashSet<>();
            entries.values().forEach(e -> owned.addAll(e.ids()));
            List<String> retired = new ArrayList<>();
            for (String id : oldIndexed) {
                if (!owned.contains(id)) {
                    retired.add(id);
                }
            }
            retired.sort(Comparator.naturalOrder());
            Instant scan = old.scanStarted();
            return new Manifest(scan == null || scan.isAfter(started) ? null : scan, loader.root().toString(),
                    entries, retired, true);
        }
    }

    /** Whether a file's recorded time is safely before the scan that recorded it (see {@link #RACY_SECONDS}). */
    private static boolean settled(Instant modified, Instant previousScan) {
        return previousScan != null && modified.isBefore(previousScan.minus(Duration.ofSeconds(RACY_SECONDS)));
    }

    @Override
    public String toString() {
        return "FolderIndexer[" + loader + " -> " + retriever.name() + ", manifest "
                + (commits != null ? "in the index" : manifest.toString()) + "]";
    }

    /** Builds a {@link FolderIndexer}. */
    public static final class Builder {
        private final Retriever retriever;
        private final FolderLoader loader;
        private Path manifest;
        private IndexCommits commits;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private boolean verifyContent;
        private Duration checkpointEvery = DEFAULT_CHECKPOINT_EVERY;
        private LongSupplier nanos = System::nanoTime;

        private Builder(Retriever retriever, FolderLoader loader) {
            this.retriever = Objects.requireNonNull(retriever, "retriever");
            this.loader = Objects.requireNonNull(loader, "loader");
        }

        /**
         * Where the manifest is kept (required unless the retriever is a Lucene one); for a Lucene retriever, an old
         * manifest file to take over (e.g. {@link FolderIndexer#manifestBeside(Path)} of the index).
         */
        public Builder manifest(Path manifest) {
            this.manifest = Objects.requireNonNull(manifest, "manifest");
            return this;
        }

        /**
         * Keep the manifest in these commits: the Lucene retriever's, when {@code retriever} wraps it (a retriever
         * that implements {@link IndexCommits} itself is found without this).
         */
        public Builder commits(IndexCommits commits) {
            this.commits = Objects.requireNonNull(commits, "commits");
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
         * How often a Lucene index is committed during a run (after the batch that crosses it; default 5 s): what an
         * interruption can lose. Zero commits after every batch.
         */
        public Builder checkpointEvery(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("checkpointEvery must not be negative, got " + interval);
            }
            this.checkpointEvery = interval;
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

        /** Tests: the clock of {@link #checkpointEvery(Duration)}. */
        Builder nanos(LongSupplier nanos) {
            this.nanos = Objects.requireNonNull(nanos, "nanos");
            return this;
        }

        public FolderIndexer build() {
            if (manifest == null && commits == null && ownCommits(retriever, null) == null) {
                throw new IllegalStateException("a FolderIndexer needs a manifest path: builder.manifest(path)"
                        + " (only a Lucene retriever keeps the manifest in its index)");
            }
            return new FolderIndexer(this);
        }
    }
}
