package dev.llamakit.memory.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A disk that can lose power, for tests. Files live in a real directory (so that locks, listings and attributes are
 * the operating system's own), but the disk remembers what is <em>durable</em>: each file's content as of its last
 * {@code force}, and each directory's entries as of its last {@code force}. Everything since is volatile, as in the
 * OS page cache.
 *
 * <p>{@link #boot} starts a "process": a {@link java.nio.file.FileSystem} over the default one whose paths the store
 * uses like any other. It can be told to crash at its n-th mutating operation (a create, write, truncate or force;
 * a write is then torn at a random byte): that operation and every later one fail, as if the process were gone.
 * Then {@link #kill()} (the OS survives: nothing is lost) or {@link #powerLoss} (the machine stops: volatile writes
 * and directory entries are dropped, all, none, a prefix, or any subset of their 512-byte blocks, as a real disk
 * may write back its dirty pages in any order) decides what the next process finds.
 */
final class SimulatedDisk {
    static final int BLOCK = 512;

    /** What is known of one file. */
    private static final class FileState {
        byte[] durable;
        final List<Op> pending = new ArrayList<>();

        FileState(byte[] durable) {
            this.durable = durable;
        }
    }

    /** A write at {@code position}, or a truncation to {@code position} when {@code data} is null. */
    private record Op(long position, byte[] data) {
    }

    /** How a power cut treats the volatile state. */
    enum Loss {
        /** Every write and entry since the last force is lost. */
        ALL,
        /** Random: all lost, all kept, a prefix in order, or any subset of blocks and entries. */
        RANDOM
    }

    private final Map<Path, FileState> files = new HashMap<>();
    /** Directory -> the entries created in it since it was last forced. */
    private final Map<Path, Set<Path>> unsyncedEntries = new HashMap<>();
    private CrashingFileSystem running;
    private int processes;

    /**
     * Starts a process whose file system fails from its {@code crashAt}-th mutating operation on (counting from
     * 0; negative: never). The previous process must have crashed or lost power.
     */
    synchronized CrashingFileSystem boot(long crashAt, Random random) {
        if (running != null && !running.dead) {
            throw new IllegalStateException("a process is still running");
        }
        running = new CrashingFileSystem(this, crashAt, random, ++processes);
        return running;
    }

    /** The process dies (SIGKILL): the OS keeps every write and entry, still volatile. */
    synchronized void kill() {
        running.die();
    }

    /** The machine loses power: what was not forced is lost, in the given way. */
    synchronized void powerLoss(Loss loss, Random random) {
        running.die();
        // 1. directory entries created since their directory was last forced: lost or kept
        List<Path> created = new ArrayList<>();
        unsyncedEntries.values().forEach(created::addAll);
        created.sort(Comparator.comparingInt(Path::getNameCount));
        boolean keepAllEntries = loss == Loss.RANDOM && random.nextInt(4) == 0;
        for (Path entry : created) {
            boolean lost = loss == Loss.ALL || !keepAllEntries && random.nextBoolean();
            if (lost && Files.exists(entry)) {
                deleteTree(entry);
            }
        }
        unsyncedEntries.clear();
        // 2. file contents: the durable bytes, plus what survives of the writes since
        for (Map.Entry<Path, FileState> e : files.entrySet()) {
            FileState state = e.getValue();
            if (state.pending.isEmpty()) {
                continue; // the file holds exactly its durable bytes
            }
            byte[] content = survivor(state, loss, random);
            try {
                Files.write(e.getKey(), content); // on the real file system
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            state.durable = content;
            state.pending.clear();
        }
    }

    private static byte[] survivor(FileState state, Loss loss, Random random) {
        byte[] content = state.durable;
        if (loss == Loss.ALL || state.pending.isEmpty()) {
            return content;
        }
        switch (random.nextInt(4)) {
            case 0 -> {
                return content; // nothing written back
            }
            case 1 -> { // everything written back
                for (Op op : state.pending) {
                    content = apply(content, op);
                }
                return content;
            }
            case 2 -> { // in order, up to a random point, maybe tearing the next write at a random byte
                int k = random.nextInt(state.pending.size() + 1);
                for (int i = 0; i < k; i++) {
                    content = apply(content, state.pending.get(i));
                }
                if (k < state.pending.size() && state.pending.get(k).data() != null && random.nextBoolean()) {
                    Op op = state.pending.get(k);
                    int cut = random.nextInt(op.data().length + 1);
                    byte[] torn = random.nextBoolean() ? Arrays.copyOf(op.data(), cut) : new byte[cut]; // or zeros
                    content = apply(content, new Op(op.position(), torn));
                }
                return content;
            }
            default -> { // any subset of blocks, in any order: a write-back that reorders pages
                for (Op op : state.pending) {
                    if (op.data() == null) {
                        if (random.nextBoolean()) {
                            content = apply(content, op);
                        }
                        continue;
                    }
                    long end = op.position() + op.data().length;
                    boolean sizeKept = random.nextBoolean(); // the metadata (the new size) may land without data
                    if (sizeKept && end > content.length) {
                        content = Arrays.copyOf(content, (int) end); // zeros where no block landed
                    }
                    for (long block = op.position() / BLOCK; block * BLOCK < end; block++) {
                        if (random.nextBoolean()) {
                            long from = Math.max(op.position(), block * BLOCK);
                            long to = Math.min(end, (block + 1) * BLOCK);
                            byte[] part = Arrays.copyOfRange(op.data(), (int) (from - op.position()), (int) (to - op.position()));
                            content = apply(content, new Op(from, part));
                        }
                    }
                }
                return content;
            }
        }
    }

    private static byte[] apply(byte[] content, Op op) {
        if (op.data() == null) {
            return content.length <= op.position() ? content : Arrays.copyOf(content, (int) op.position());
        }
        long end = op.position() + op.data().length;
        byte[] out = end > content.length ? Arrays.copyOf(content, (int) end) : content.clone();
        System.arraycopy(op.data(), 0, out, (int) op.position(), op.data().length);
        return out;
    }

    private void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
                files.remove(p);
                unsyncedEntries.remove(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- bookkeeping, called by the running process's file system

    private static Path key(Path real) {
        return real.toAbsolutePath().normalize();
    }

    private synchronized FileState track(Path real) {
        return files.computeIfAbsent(key(real), p -> {
            try {
                return new FileState(Files.readAllBytes(p)); // existed before the disk saw it: durable
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private synchronized void created(Path real, boolean directory) {
        Path key = key(real);
        unsyncedEntries.computeIfAbsent(key.getParent(), d -> new LinkedHashSet<>()).add(key);
        if (!directory) {
            files.put(key, new FileState(new byte[0]));
        }
    }

    private synchronized void written(Path real, long position, byte[] data) {
        track(real).pending.add(new Op(position, data));
    }

    private synchronized void truncated(Path real, long size) {
        track(real).pending.add(new Op(size, null));
    }

    private synchronized void forced(Path real, boolean directory) {
        if (directory) {
            unsyncedEntries.remove(key(real));
            return;
        }
        FileState state = track(real);
        for (Op op : state.pending) {
            state.durable = apply(state.durable, op);
        }
        state.pending.clear();
    }

    /** One process's view of the disk: a file system over the default one. */
    static final class CrashingFileSystem extends FileSystem {
        private final SimulatedDisk disk;
        private final Random random;
        private final FileSystem base = FileSystems.getDefault();
        private final Provider provider = new Provider(this);
        private final List<FileChannel> open = new ArrayList<>();
        private final int number;
        private long remaining;
        private long operations;
        private volatile boolean dead;

        private CrashingFileSystem(SimulatedDisk disk, long crashAt, Random random, int number) {
            this.disk = disk;
            this.random = random;
            this.remaining = crashAt;
            this.number = number;
        }

        /** This file system's path for a real one. */
        Path path(Path real) {
            return new SimPath(this, real);
        }

        /** Whether the process has crashed (an operation failed because of it, or it was killed). */
        boolean crashed() {
            return dead;
        }

        /** The mutating operations done so far. */
        long operations() {
            return operations;
        }

        private synchronized void die() {
            dead = true;
            for (FileChannel channel : open) {
                try {
                    channel.close(); // as the OS does for a dead process: its locks are gone
                } catch (IOException e) {
                    // already closed
                }
            }
            open.clear();
        }

        private void checkAlive() throws IOException {
            if (dead) {
                throw new IOException("simulated crash: process " + number + " is gone");
            }
        }

        /** Counts a mutating operation; true when the crash happens at this one (the caller then fails it). */
        private synchronized boolean step() throws IOException {
            checkAlive();
            operations++;
            if (remaining-- == 0) {
                dead = true;
                return true;
            }
            return false;
        }

        private IOException crash() {
            die();
            return new IOException("simulated crash of process " + number);
        }

        @Override
        public FileSystemProvider provider() {
            return provider;
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public boolean isReadOnly() {
            return false;
        }

        @Override
        public String getSeparator() {
            return base.getSeparator();
        }

        @Override
        public Iterable<Path> getRootDirectories() {
            List<Path> roots = new ArrayList<>();
            base.getRootDirectories().forEach(r -> roots.add(path(r)));
            return roots;
        }

        @Override
        public Iterable<FileStore> getFileStores() {
            return base.getFileStores();
        }

        @Override
        public Set<String> supportedFileAttributeViews() {
            return base.supportedFileAttributeViews();
        }

        @Override
        public Path getPath(String first, String... more) {
            return path(base.getPath(first, more));
        }

        @Override
        public PathMatcher getPathMatcher(String syntaxAndPattern) {
            PathMatcher matcher = base.getPathMatcher(syntaxAndPattern);
            return p -> matcher.matches(real(p));
        }

        @Override
        public UserPrincipalLookupService getUserPrincipalLookupService() {
            return base.getUserPrincipalLookupService();
        }

        @Override
        public WatchService newWatchService() {
            throw new UnsupportedOperationException();
        }

        private Path real(Path path) {
            if (path instanceof SimPath p && p.fs == this) {
                return p.real;
            }
            throw new ProviderMismatchException("not a path of process " + number + ": " + path);
        }
    }

    /** A path of a {@link CrashingFileSystem}: a real path, and the process it belongs to. */
    private static final class SimPath implements Path {
        final CrashingFileSystem fs;
        final Path real;

        SimPath(CrashingFileSystem fs, Path real) {
            this.fs = fs;
            this.real = real;
        }

        private Path wrap(Path p) {
            return p == null ? null : new SimPath(fs, p);
        }

        @Override
        public FileSystem getFileSystem() {
            return fs;
        }

        @Override
        public boolean isAbsolute() {
            return real.isAbsolute();
        }

        @Override
        public Path getRoot() {
            return wrap(real.getRoot());
        }

        @Override
        public Path getFileName() {
            return wrap(real.getFileName());
        }

        @Override
        public Path getParent() {
            return wrap(real.getParent());
        }

        @Override
        public int getNameCount() {
            return real.getNameCount();
        }

        @Override
        public Path getName(int index) {
            return wrap(real.getName(index));
        }

        @Override
        public Path subpath(int beginIndex, int endIndex) {
            return wrap(real.subpath(beginIndex, endIndex));
        }

        @Override
        public boolean startsWith(Path other) {
            return other instanceof SimPath p && p.fs == fs && real.startsWith(p.real);
        }

        @Override
        public boolean endsWith(Path other) {
            return other instanceof SimPath p && p.fs == fs && real.endsWith(p.real);
        }

        @Override
        public Path normalize() {
            return wrap(real.normalize());
        }

        @Override
        public Path resolve(Path other) {
            return wrap(real.resolve(fs.real(other)));
        }

        @Override
        public Path relativize(Path other) {
            return wrap(real.relativize(fs.real(other)));
        }

        @Override
        public URI toUri() {
            return URI.create(Provider.SCHEME + ":" + real.toUri().getRawPath());
        }

        @Override
        public Path toAbsolutePath() {
            return wrap(real.toAbsolutePath());
        }

        @Override
        public Path toRealPath(LinkOption... options) throws IOException {
            fs.checkAlive();
            return wrap(real.toRealPath(options));
        }

        @Override
        public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int compareTo(Path other) {
            return real.compareTo(fs.real(other));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SimPath p && p.fs == fs && p.real.equals(real);
        }

        @Override
        public int hashCode() {
            return real.hashCode();
        }

        @Override
        public String toString() {
            return real.toString();
        }
    }

    /** The provider: every operation is the default provider's, with the disk's bookkeeping and the crash. */
    private static final class Provider extends FileSystemProvider {
        static final String SCHEME = "powerloss";
        private final CrashingFileSystem fs;

        Provider(CrashingFileSystem fs) {
            this.fs = fs;
        }

        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileSystem getFileSystem(URI uri) {
            return fs;
        }

        @Override
        public Path getPath(URI uri) {
            return fs.path(Path.of(uri.getPath()));
        }

        @Override
        public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            fs.checkAlive();
            Path real = fs.real(path);
            boolean creates = (options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW))
                    && !Files.exists(real);
            if (creates && fs.step()) {
                if (fs.random.nextBoolean()) { // crashed just after the create
                    Files.createFile(real);
                    fs.disk.created(real, false);
                }
                throw fs.crash();
            }
            FileChannel channel = FileChannel.open(real, options, attrs);
            if (creates) {
                fs.disk.created(real, false);
            }
            if (options.contains(StandardOpenOption.TRUNCATE_EXISTING) && !creates) {
                fs.disk.truncated(real, 0);
            }
            SimChannel sim = new SimChannel(fs, real, channel, Files.isDirectory(real));
            synchronized (fs) {
                fs.open.add(channel);
            }
            return sim;
        }

        @Override
        public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            return newFileChannel(path, options, attrs);
        }

        @Override
        public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
                throws IOException {
            fs.checkAlive();
            DirectoryStream<Path> real = Files.newDirectoryStream(fs.real(dir), p -> filter.accept(fs.path(p)));
            return new DirectoryStream<>() {
                @Override
                public Iterator<Path> iterator() {
                    Iterator<Path> it = real.iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Path next() {
                            return fs.path(it.next());
                        }
                    };
                }

                @Override
                public void close() throws IOException {
                    real.close();
                }
            };
        }

        @Override
        public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
            Path real = fs.real(dir);
            if (fs.step()) {
                if (fs.random.nextBoolean() && !Files.exists(real)) {
                    Files.createDirectory(real, attrs);
                    fs.disk.created(real, true);
                }
                throw fs.crash();
            }
            Files.createDirectory(real, attrs);
            fs.disk.created(real, true);
        }

        @Override
        public void delete(Path path) {
            throw new UnsupportedOperationException("the store never deletes");
        }

        @Override
        public void copy(Path source, Path target, CopyOption... options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void move(Path source, Path target, CopyOption... options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isSameFile(Path path, Path path2) throws IOException {
            fs.checkAlive();
            return Files.isSameFile(fs.real(path), fs.real(path2));
        }

        @Override
        public boolean isHidden(Path path) throws IOException {
            return Files.isHidden(fs.real(path));
        }

        @Override
        public FileStore getFileStore(Path path) throws IOException {
            return Files.getFileStore(fs.real(path));
        }

        @Override
        public void checkAccess(Path path, AccessMode... modes) throws IOException {
            fs.checkAlive();
            Path real = fs.real(path);
            real.getFileSystem().provider().checkAccess(real, modes);
        }

        @Override
        public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
            return Files.getFileAttributeView(fs.real(path), type, options);
        }

        @Override
        public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
                throws IOException {
            fs.checkAlive();
            return Files.readAttributes(fs.real(path), type, options);
        }

        @Override
        public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
            fs.checkAlive();
            return Files.readAttributes(fs.real(path), attributes, options);
        }

        @Override
        public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
            throw new UnsupportedOperationException();
        }
    }

    /** A channel on a real file that tells the disk what it writes and forces, and fails once the process crashed. */
    private static final class SimChannel extends FileChannel {
        private final CrashingFileSystem fs;
        private final Path real;
        private final FileChannel channel;
        private final boolean directory;

        SimChannel(CrashingFileSystem fs, Path real, FileChannel channel, boolean directory) {
            this.fs = fs;
            this.real = real;
            this.channel = channel;
            this.directory = directory;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            fs.checkAlive();
            return channel.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            fs.checkAlive();
            return channel.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            fs.checkAlive();
            return channel.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            fs.checkAlive();
            long position = channel.position();
            int n = write(src, position);
            channel.position(position + n);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            byte[] data = new byte[src.remaining()];
            src.get(data);
            if (fs.step()) { // torn: a random prefix reached the page cache
                byte[] part = Arrays.copyOf(data, fs.random.nextInt(data.length + 1));
                channel.write(ByteBuffer.wrap(part), position);
                fs.disk.written(real, position, part);
                throw fs.crash();
            }
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer, position + buffer.position());
            }
            fs.disk.written(real, position, data);
            return data.length;
        }

        @Override
        public long position() throws IOException {
            fs.checkAlive();
            return channel.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            fs.checkAlive();
            channel.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            fs.checkAlive();
            return channel.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            if (fs.step()) {
                throw fs.crash();
            }
            channel.truncate(size);
            fs.disk.truncated(real, size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (fs.step()) {
                throw fs.crash();
            }
            fs.disk.forced(real, directory); // no real fsync: durability is the disk's bookkeeping
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            fs.checkAlive();
            return new SimLock(this, channel.lock(position, size, shared));
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            fs.checkAlive();
            FileLock lock = channel.tryLock(position, size, shared);
            return lock == null ? null : new SimLock(this, lock);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            channel.close(); // even after a crash: the real channel holds the OS lock
            synchronized (fs) {
                fs.open.remove(channel);
            }
        }
    }

    private static final class SimLock extends FileLock {
        private final FileLock lock;

        SimLock(FileChannel channel, FileLock lock) {
            super(channel, lock.position(), lock.size(), lock.isShared());
            this.lock = lock;
        }

        @Override
        public boolean isValid() {
            return lock.isValid();
        }

        @Override
        public void release() throws IOException {
            lock.release();
        }
    }
}
