package dev.llamakit.memory.store;

import dev.llamakit.client.error.LlamaException;
import dev.llamakit.memory.ConversationConflictException;
import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link ConversationStore}: one append-only JSON-lines file per conversation in a directory, fsync'd
 * on every write. Provider name {@code file} (options {@code directory}, {@code fsync}, {@code max-open-files}).
 *
 * <pre>{@code
 * try (ConversationStore store = FileConversationStore.open(Path.of("conversations"))) {
 *     Conversation chat = Conversation.builder(client).model("Llama-3.3-8B-Instruct")
 *         .id("support/42").store(store).build();          // resumes "support/42" if it exists
 *     chat.send("Where is my order?");
 * }
 * }</pre>
 *
 * <h2>Format</h2>
 * A file starts with a header naming the conversation; then each {@link #append} call adds <em>one</em> line holding
 * all of its entries, and each {@link #putState} adds one line with a key and a value (the last one per key wins).
 * Every line is a JSON object with a format version {@code "v"} and a CRC-32C checksum, and ends with a newline.
 * The strategy state lives in the same file as the messages, not in a side file, because one log keeps them in
 * the order they were written: a summary that covers messages up to {@code seq} 41 can never be durable while
 * message 41 is lost, which two files (each fsync'd on its own) could not promise; and a conversation stays one
 * file to copy, delete or inspect. See {@code docs/memory-store.md} for the full format.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Durable, atomic appends.</b> An append is written as one line with one write and then forced to disk
 *       ({@link FileChannel#force(boolean) force(false)}) before it returns; a new file gets its header forced
 *       first and its directory forced after, and the directory (with its ancestors) is forced when the store
 *       opens. A record counts only once its newline is on disk and its checksum matches, so a crash, even a
 *       power cut, loses at most the append in flight, whole, and never an acknowledged one.</li>
 *   <li><b>Torn tails are repaired, valid records never cut.</b> When a file ends in a partial record or one whose
 *       checksum fails, loading logs a WARN naming the file and the byte offset, ignores it, and the next write
 *       first truncates the file back to the last good record. A line whose checksum is valid but that does not
 *       parse is corruption, not a torn write; valid records past the known end mean another writer
 *       ({@link ConcurrentWriterException}): neither is ever truncated.</li>
 *   <li><b>Damage is never hidden.</b> A bad record <em>followed by</em> good ones is not a torn write: that
 *       conversation fails with a {@link CorruptTranscriptException} naming the file, line and byte offset, and
 *       the file is left unchanged. Other conversations keep working.</li>
 *   <li><b>One writer.</b> Thread-safe; operations on one conversation are serialized by a per-conversation lock,
 *       different conversations proceed in parallel. The store holds an exclusive {@link FileLock} on a
 *       {@code LOCK} file in its directory from open to close (as LevelDB and RocksDB do), and on each conversation
 *       file it has open: a second process, or a second store on the same directory in this JVM, is refused with
 *       a {@link StoreLockedException}. Every file goes through one JVM-wide registry, so the store never opens a
 *       second channel on a locked file (closing it would release the process's lock).</li>
 *   <li><b>Cheap reads.</b> Opening a conversation reads its file once (validating every record) and keeps its
 *       next {@code seq}, its valid length, its state values and the offset of every append; appends never re-read
 *       the file, and {@link #loadLast} reads only the appends that hold the last entries.</li>
 * </ul>
 * With {@code fsync} off, a crash of the process loses nothing the OS already has, but a crash of the machine can
 * lose recent appends (and, on some file systems, leave garbage that the next load reports).
 *
 * <p>When a write fails with an I/O error the store cuts the file back to its last good record (when the failed
 * write had started), forgets its cached view so that the next access re-reads the file, and throws
 * {@link UncheckedIOException}.
 */
public final class FileConversationStore implements ConversationStore {
    /** The default number of conversation files kept open at once. */
    public static final int DEFAULT_MAX_OPEN_FILES = 128;
    /** The file in the directory that the store holds locked while it is open. */
    public static final String LOCK_FILE = "LOCK";

    private static final Logger LOG = LoggerFactory.getLogger(FileConversationStore.class);

    private final Path directory;
    private final boolean fsync;
    private final int maxOpenFiles;
    private final ConcurrentHashMap<String, ConversationFile> files = new ConcurrentHashMap<>();
    private final AtomicLong ticks = new AtomicLong();
    private final OpenFiles.Handle directoryLock;
    private volatile boolean closed;

    private FileConversationStore(Builder b) {
        this.directory = b.directory.toAbsolutePath().normalize();
        this.fsync = b.fsync;
        this.maxOpenFiles = b.maxOpenFiles;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the conversation directory " + directory, e);
        }
        if (!Files.isWritable(directory)) {
            throw new IllegalArgumentException("the conversation directory " + directory + " is not writable");
        }
        this.directoryLock = lockDirectory();
    }

    /**
     * Takes the directory's {@code LOCK} file (writing this process's id into it, for the message another process
     * gets), then forces the directory and its ancestors: whatever an earlier run created and did not force (the
     * directory itself, a file left empty or unforced by a crash) is durable before this store builds on it.
     */
    private OpenFiles.Handle lockDirectory() {
        Path file = directory.resolve(LOCK_FILE);
        OpenFiles.Handle handle;
        try {
            handle = OpenFiles.open(file, true, true, "the conversation directory " + directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the lock file " + file, e);
        }
        try {
            FileChannel channel = handle.channel();
            ByteBuffer pid = ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
            channel.truncate(0);
            while (pid.hasRemaining()) {
                channel.write(pid, pid.position());
            }
            if (fsync) {
                DirectorySync.syncWithAncestors(directory);
            }
            return handle;
        } catch (IOException | RuntimeException e) {
            handle.close();
            throw e instanceof RuntimeException r ? r
                    : new UncheckedIOException("cannot prepare the conversation directory " + directory, (IOException) e);
        }
    }

    /**
     * A store in {@code directory} (created if missing), with fsync on.
     *
     * @throws StoreLockedException when another process, or another store in this JVM, has the directory open
     */
    public static FileConversationStore open(Path directory) {
        return builder(directory).build();
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** The directory holding the conversation files. */
    public Path directory() {
        return directory;
    }

    /** Whether every write is forced to disk before it returns. */
    public boolean fsync() {
        return fsync;
    }

    /** The file that holds (or would hold) a conversation. */
    public Path fileOf(String conversationId) {
        return directory.resolve(FileNames.encode(Objects.requireNonNull(conversationId, "conversationId")));
    }

    @Override
    public void append(String conversationId, List<TranscriptEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        List<TranscriptEntry> batch = List.copyOf(entries);
        withFile(conversationId, file -> {
            file.append(batch);
            return null;
        });
    }

    @Override
    public Transcript load(String conversationId) {
        return withFile(conversationId, ConversationFile::load);
    }

    @Override
    public List<TranscriptEntry> loadLast(String conversationId, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        return withFile(conversationId, file -> file.loadLast(count));
    }

    /** The last sequence number, from the open file's index: no record is read (one writer per directory). */
    @Override
    public long head(String conversationId) {
        return withFile(conversationId, ConversationFile::head);
    }

    @Override
    public Optional<String> getState(String conversationId, String key) {
        Objects.requireNonNull(key, "key");
        return withFile(conversationId, file -> file.getState(key));
    }

    @Override
    public void putState(String conversationId, String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        withFile(conversationId, file -> {
            file.putState(key, value);
            return null;
        });
    }

    /**
     * The conversations in the directory: every non-empty conversation file. A conversation that only has state
     * values (no entries yet) is listed too.
     */
    @Override
    public Set<String> conversationIds() {
        ensureOpen();
        Map<Path, String> open = new HashMap<>();
        files.values().forEach(f -> open.put(f.path, f.id));
        Set<String> ids = new HashSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + FileNames.EXTENSION)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                try {
                    if (!Files.isRegularFile(path) || Files.size(path) == 0) {
                        continue;
                    }
                } catch (NoSuchFileException e) {
                    continue;
                }
                Optional<String> id = FileNames.decode(name);
                if (id.isEmpty() && FileNames.isShortened(name)) {
                    id = Optional.ofNullable(open.get(path)).or(() -> readHeaderId(path));
                }
                id.ifPresent(ids::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the conversation directory " + directory, e);
        }
        return Set.copyOf(ids);
    }

    /** Closes every open file (releasing its lock). Later calls fail; closing again does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ConversationFile file : files.values()) {
            file.lock.lock();
            try {
                file.release();
            } finally {
                file.lock.unlock();
            }
        }
        files.clear();
        directoryLock.close();
    }

    @Override
    public String toString() {
        return "FileConversationStore[" + directory + (fsync ? "" : ", fsync off") + (closed ? ", closed" : "") + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this FileConversationStore (" + directory + ") is closed");
        }
    }

    /**
     * Runs {@code action} on the conversation's file, holding its lock. The thread's interrupt status is cleared
     * for the duration and restored after: an interrupt during I/O would close the shared {@link FileChannel} (and
     * release its lock) for every user of the conversation. After an I/O error, or when the file turned out to have
     * changed, the cached view is dropped so that the next access reads the file again.
     */
    private <T> T withFile(String conversationId, Function<ConversationFile, T> action) {
        ConversationFile file = acquire(conversationId);
        boolean interrupted = Thread.interrupted();
        try {
            return action.apply(file);
        } catch (UncheckedIOException | IllegalStateException | LlamaException e) {
            file.release();
            throw e;
        } finally {
            file.lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The conversation's file, locked by the caller's thread. */
    private ConversationFile acquire(String conversationId) {
        Objects.requireNonNull(conversationId, "conversationId");
        FileNames.check(conversationId);
        while (true) {
            ensureOpen();
            ConversationFile file = files.computeIfAbsent(conversationId,
                    id -> new ConversationFile(id, directory.resolve(FileNames.encode(id))));
            file.lock.lock();
            if (!file.released && !closed) {
                file.lastUsed = ticks.incrementAndGet();
                if (files.size() > maxOpenFiles) {
                    evictIdle(file);
                }
                return file;
            }
            file.lock.unlock();
            files.remove(conversationId, file);
        }
    }

    /** Closes the least recently used files nobody is using until at most {@code maxOpenFiles} remain. */
    private void evictIdle(ConversationFile keep) {
        List<ConversationFile> candidates = new ArrayList<>(files.values());
        candidates.remove(keep);
        candidates.sort(Comparator.comparingLong(f -> f.lastUsed));
        for (ConversationFile candidate : candidates) {
            if (files.size() <= maxOpenFiles) {
                return;
            }
            if (candidate.lock.tryLock()) {
                try {
                    candidate.release();
                    files.remove(candidate.id, candidate);
                } finally {
                    candidate.lock.unlock();
                }
            }
        }
    }

    /** The id in a file's header, read through the registry (sharing the channel if the file is open). */
    private Optional<String> readHeaderId(Path path) {
        try (OpenFiles.Handle handle = OpenFiles.open(path, false, false, "conversation file " + path)) {
            if (handle == null) {
                return Optional.empty();
            }
            FileChannel channel = handle.channel();
            LineReader.RawLine first = new LineReader(channel, 0, channel.size()).next();
            if (first == null || !first.terminated()) {
                return Optional.empty();
            }
            RecordFormat.Line line = RecordFormat.decode(first.bytes());
            return RecordFormat.HEADER.equals(line.type()) ? Optional.ofNullable(line.id()) : Optional.empty();
        } catch (IOException | IllegalArgumentException | StoreLockedException e) {
            LOG.debug("cannot read the header of {}: {}", path, e.toString());
            return Optional.empty();
        }
    }

    /**
     * One conversation's file and what is known about it. Every method runs with {@link #lock} held.
     */
    private final class ConversationFile {
        final String id;
        final Path path;
        final ReentrantLock lock = new ReentrantLock();
        volatile long lastUsed;
        /** Closed by eviction or {@link FileConversationStore#close()}: acquire a new one. */
        boolean released;

        /** The file, shared through the JVM-wide registry and locked; null until opened. */
        private OpenFiles.Handle handle;
        private FileChannel channel;
        /** This store created the file: its directory is forced after its first write. */
        private boolean createdHere;
        /** Whatever the file held when opened has been forced (an earlier process may have left it unforced). */
        private boolean forced;
        /** The length of the valid prefix of the file. */
        private long committed;
        /** The number of lines in the valid prefix. */
        private long lines;
        private boolean hasHeader;
        private long nextSeq;
        /** Per entries record: its first seq, byte offset and line number (from 1). */
        private long[] batchSeq = new long[16];
        private long[] batchOffset = new long[16];
        private long[] batchLine = new long[16];
        private int batches;
        private final Map<String, String> state = new HashMap<>();

        ConversationFile(String id, Path path) {
            this.id = id;
            this.path = path;
        }

        void append(List<TranscriptEntry> batch) {
            boolean exists = openFile(false);
            checkNumbering(batch); // before creating a file for entries that would be rejected
            if (!exists) {
                openFile(true);
                checkNumbering(batch);
            }
            writeHeader();
            if (batch.isEmpty()) {
                ensureForced();
                return;
            }
            long batchStart = committed;
            write(RecordFormat.encode(RecordFormat.Line.entries(batch)));
            lines++;
            index(nextSeq, batchStart, lines);
            nextSeq += batch.size();
        }

        /**
         * Writes the header of a file that has none, as a write of its own: every later write is then exactly one
         * line, so a power cut that keeps some of a write's pages and not others can only leave a torn last line,
         * never a damaged line followed by a valid one.
         */
        private void writeHeader() {
            if (!hasHeader) {
                write(RecordFormat.encode(RecordFormat.Line.header(id, Instant.now())));
                hasHeader = true;
                lines++;
            }
        }

        private void checkNumbering(List<TranscriptEntry> batch) {
            for (int i = 0; i < batch.size(); i++) {
                long seq = batch.get(i).seq();
                if (seq != nextSeq + i) {
                    throw new ConversationConflictException(id, seq, nextSeq + i);
                }
            }
        }

        void putState(String key, String value) {
            openFile(true);
            if (value.equals(state.get(key))) {
                ensureForced(); // stored, and durable once forced (an earlier process may not have)
                return;
            }
            writeHeader();
            write(RecordFormat.encode(RecordFormat.Line.state(key, value)));
            lines++;
            state.put(key, value);
        }

        Optional<String> getState(String key) {
            if (!openFile(false)) {
                return Optional.empty();
            }
            return Optional.ofNullable(state.get(key));
        }

        Transcript load() {
            if (!openFile(false) || nextSeq == 0) {
                return Transcript.empty();
            }
            return Transcript.of(read(0, 0));
        }

        long head() {
            return openFile(false) ? nextSeq - 1 : -1;
        }

        List<TranscriptEntry> loadLast(int count) {
            if (!openFile(false) || nextSeq == 0 || count == 0) {
                return List.of();
            }
            long from = Math.max(0, nextSeq - count);
            int i = Arrays.binarySearch(batchSeq, 0, batches, from);
            if (i < 0) {
                i = -i - 2; // the batch that holds seq 'from'
            }
            return read(i, from);
        }

        /** The entries from seq {@code from} on, reading from the start of batch {@code batch}. */
        private List<TranscriptEntry> read(int batch, long from) {
            List<TranscriptEntry> result = new ArrayList<>((int) Math.min(Integer.MAX_VALUE - 8, nextSeq - from));
            LineReader reader = new LineReader(channel, batchOffset[batch], committed);
            long lineNo = batchLine[batch] - 1;
            long expected = batchSeq[batch];
            try {
                LineReader.RawLine raw;
                while ((raw = reader.next()) != null) {
                    lineNo++;
                    if (!raw.terminated()) {
                        throw corrupt(lineNo, raw.offset(), "the file changed since it was opened (a record lost its newline)");
                    }
                    RecordFormat.Line line;
                    try {
                        line = RecordFormat.decode(raw.bytes());
                    } catch (IllegalArgumentException e) {
                        throw corrupt(lineNo, raw.offset(), "the file changed since it was opened (" + e.getMessage() + ")");
                    }
                    if (RecordFormat.ENTRIES.equals(line.type())) {
                        for (TranscriptEntry e : entries(line, expected, lineNo, raw.offset())) {
                            if (e.seq() >= from) {
                                result.add(e);
                            }
                        }
                        expected += line.entries().size();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read conversation file " + path, e);
            }
            if (reader.offset() != committed || expected != nextSeq) {
                throw new IllegalStateException("conversation file " + path + " changed since it was opened: another "
                        + "program shortened or rewrote it");
            }
            return result;
        }

        /**
         * Opens the file (creating it when {@code create}) through the registry, locks it and reads it once; false
         * when it does not exist and was not to be created.
         */
        private boolean openFile(boolean create) {
            if (handle != null) {
                return true;
            }
            OpenFiles.Handle h;
            try {
                h = OpenFiles.open(path, create, true, "conversation file " + path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open conversation file " + path, e);
            }
            if (h == null) {
                return false;
            }
            boolean ok = false;
            try {
                scan(h.channel());
                handle = h;
                channel = h.channel();
                createdHere = h.created();
                forced = h.created();
                ok = true;
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read conversation file " + path, e);
            } finally {
                if (!ok) {
                    reset();
                    h.close();
                }
            }
        }

        /** Reads the whole file once: validates every record, finds a torn tail, builds the index and state. */
        private void scan(FileChannel ch) throws IOException {
            reset();
            long size = ch.size();
            LineReader reader = new LineReader(ch, 0, size);
            long good = 0;
            long lineNo = 0;
            long badLine = 0;
            long badOffset = -1;
            String badReason = null;
            LineReader.RawLine raw;
            while ((raw = reader.next()) != null) {
                lineNo++;
                if (!raw.terminated()) {
                    if (badReason == null) {
                        badLine = lineNo;
                        badOffset = raw.offset();
                        badReason = "it has no newline";
                    }
                    break;
                }
                RecordFormat.Line line;
                try {
                    line = RecordFormat.decode(raw.bytes());
                } catch (RecordFormat.UnreadableRecordException e) {
                    if (badReason != null) {
                        throw corrupt(badLine, badOffset, badReason + ", and a checksummed record follows it, so it "
                                + "is not a write torn by a crash");
                    }
                    throw corrupt(lineNo, raw.offset(), e.getMessage() + "; a torn write never has a valid checksum");
                } catch (IllegalArgumentException e) {
                    if (badReason == null) {
                        badLine = lineNo;
                        badOffset = raw.offset();
                        badReason = e.getMessage();
                    }
                    continue;
                }
                if (badReason != null) {
                    throw corrupt(badLine, badOffset, badReason + ", and valid records follow it, so it is not a "
                            + "write torn by a crash");
                }
                apply(line, lineNo, raw.offset());
                good = raw.end();
                lines = lineNo;
            }
            committed = good;
            if (good < size) {
                LOG.warn("conversation file {} ends in a torn record: dropping {} bytes from byte offset {} (line {}: {}); "
                        + "they are cut off before the next write", path, size - good, good, badLine, badReason);
            }
        }

        private void apply(RecordFormat.Line line, long lineNo, long offset) {
            if (line.v() > RecordFormat.VERSION || line.v() < 1) {
                throw corrupt(lineNo, offset, "the record has format version " + line.v() + "; this llamakit reads "
                        + "version " + RecordFormat.VERSION + (line.v() > RecordFormat.VERSION ? " (written by a newer llamakit)" : ""));
            }
            if (!hasHeader) {
                if (!RecordFormat.HEADER.equals(line.type())) {
                    throw corrupt(lineNo, offset, "the first record is a '" + line.type() + "' record, not the conversation header");
                }
                if (!id.equals(line.id())) {
                    throw corrupt(lineNo, offset, "the file holds conversation '" + line.id() + "', not '" + id + "'");
                }
                hasHeader = true;
                return;
            }
            switch (line.type()) {
                case RecordFormat.ENTRIES -> {
                    List<TranscriptEntry> entries = entries(line, nextSeq, lineNo, offset);
                    index(nextSeq, offset, lineNo);
                    nextSeq += entries.size();
                }
                case RecordFormat.STATE -> {
                    if (line.key() == null || line.value() == null) {
                        throw corrupt(lineNo, offset, "a state record needs a key and a value");
                    }
                    state.put(line.key(), line.value());
                }
                case RecordFormat.HEADER -> throw corrupt(lineNo, offset, "a second conversation header");
                default -> throw corrupt(lineNo, offset, "unknown record type '" + line.type() + "'");
            }
        }

        private List<TranscriptEntry> entries(RecordFormat.Line line, long expectedFirst, long lineNo, long offset) {
            if (line.entries() == null || line.entries().isEmpty() || line.first() == null) {
                throw corrupt(lineNo, offset, "an entries record without entries");
            }
            if (line.first() != expectedFirst) {
                throw corrupt(lineNo, offset, "the entries start at seq " + line.first() + ", but seq " + expectedFirst
                        + " comes next");
            }
            List<TranscriptEntry> list = new ArrayList<>(line.entries().size());
            long expected = expectedFirst;
            for (RecordFormat.EntryJson json : line.entries()) {
                TranscriptEntry e;
                try {
                    e = Objects.requireNonNull(json, "a null entry").toEntry();
                } catch (RuntimeException ex) {
                    throw corrupt(lineNo, offset, "bad entry: " + ex.getMessage());
                }
                if (e.seq() != expected) {
                    throw corrupt(lineNo, offset, "entry seq " + e.seq() + " where seq " + expected + " comes next");
                }
                expected++;
                list.add(e);
            }
            return list;
        }

        /**
         * Writes one line at the end of the valid prefix, then forces it to disk (and, for a file this store
         * created, its directory). Bytes past the valid prefix are cut first, but only when they hold no valid
         * record: a torn write, or the remains of a failed one.
         */
        private void write(byte[] bytes) {
            boolean writing = false;
            try {
                long size = channel.size();
                if (size < committed) {
                    throw new ConcurrentWriterException(path, "conversation file " + path + " shrank from " + committed
                            + " to " + size + " bytes while open: another program changed it; nothing was written");
                }
                ensureForcedOrThrow();
                if (size > committed) {
                    checkTail(size);
                    channel.truncate(committed); // a torn tail, or the remains of a failed write
                }
                writing = true;
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                long position = committed;
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                if (fsync) {
                    channel.force(false);
                    if (createdHere) {
                        DirectorySync.sync(directory);
                    }
                }
                createdHere = false;
                committed += bytes.length;
            } catch (IOException e) {
                boolean undone = !writing;
                if (writing) {
                    try {
                        channel.truncate(committed);
                        if (fsync) {
                            channel.force(false);
                        }
                        undone = true;
                    } catch (IOException again) {
                        e.addSuppressed(again);
                    }
                }
                release(); // the next use re-reads the file, whatever it holds
                throw new UncheckedIOException("cannot write to conversation file " + path
                        + (undone ? "; nothing was stored" : "; the write may or may not have been stored"), e);
            }
        }

        /** Forces what the file held when opened, once, before anything is built on it or acknowledged. */
        private void ensureForced() {
            try {
                ensureForcedOrThrow();
            } catch (IOException e) {
                release();
                throw new UncheckedIOException("cannot force conversation file " + path + " to disk", e);
            }
        }

        private void ensureForcedOrThrow() throws IOException {
            if (fsync && !forced) {
                channel.force(false);
            }
            forced = true;
        }

        /**
         * Refuses to cut the bytes past the valid prefix when they hold a record with a valid checksum: that was
         * not torn by a crash but written by someone else.
         */
        private void checkTail(long size) throws IOException {
            LineReader reader = new LineReader(channel, committed, size);
            long lineNo = lines;
            LineReader.RawLine raw;
            while ((raw = reader.next()) != null) {
                lineNo++;
                if (!raw.terminated()) {
                    return;
                }
                try {
                    RecordFormat.decode(raw.bytes());
                } catch (RecordFormat.UnreadableRecordException e) {
                    throw corrupt(lineNo, raw.offset(), e.getMessage());
                } catch (IllegalArgumentException e) {
                    continue; // torn or garbage
                }
                throw new ConcurrentWriterException(path, "conversation file " + path + " has a valid record at line "
                        + lineNo + " (byte offset " + raw.offset() + "), past the " + committed + " bytes this store "
                        + "wrote or read: another program is writing this conversation at the same time. Nothing "
                        + "was cut off and nothing was written; make sure one process writes the directory");
            }
        }

        private void index(long firstSeq, long offset, long lineNo) {
            if (batches == batchSeq.length) {
                int n = batches * 2;
                batchSeq = Arrays.copyOf(batchSeq, n);
                batchOffset = Arrays.copyOf(batchOffset, n);
                batchLine = Arrays.copyOf(batchLine, n);
            }
            batchSeq[batches] = firstSeq;
            batchOffset[batches] = offset;
            batchLine[batches] = lineNo;
            batches++;
        }

        private void reset() {
            committed = 0;
            lines = 0;
            hasHeader = false;
            nextSeq = 0;
            batches = 0;
            state.clear();
        }

        /** Closes the file (releasing its lock once nobody else in the JVM reads it); this object is then unusable. */
        void release() {
            released = true;
            if (handle != null) {
                handle.close();
                handle = null;
                channel = null;
            }
        }

        private CorruptTranscriptException corrupt(long lineNo, long offset, String problem) {
            return new CorruptTranscriptException(path, lineNo, offset, problem);
        }
    }

    /** Builds a {@link FileConversationStore}. */
    public static final class Builder {
        private final Path directory;
        private boolean fsync = true;
        private int maxOpenFiles = DEFAULT_MAX_OPEN_FILES;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * Whether each write is forced to disk before it returns (default true). Off, writes survive a crash of
         * the process but not necessarily of the machine; it is much faster.
         */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** How many conversation files stay open (and locked) at once (default {@value FileConversationStore#DEFAULT_MAX_OPEN_FILES}). */
        public Builder maxOpenFiles(int maxOpenFiles) {
            if (maxOpenFiles < 1) {
                throw new IllegalArgumentException("maxOpenFiles must be at least 1, got " + maxOpenFiles);
            }
            this.maxOpenFiles = maxOpenFiles;
            return this;
        }

        public FileConversationStore build() {
            return new FileConversationStore(this);
        }
    }
}
