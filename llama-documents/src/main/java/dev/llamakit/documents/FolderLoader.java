package dev.llamakit.documents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.documents.Formats.Extracted;
import dev.llamakit.documents.Formats.Format;
import dev.llamakit.documents.LoadReport.LoadedFile;
import dev.llamakit.documents.LoadReport.SkippedFile;
import dev.llamakit.documents.LoadReport.SkippedLine;
import dev.llamakit.retrieval.Document;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the documents of a folder: walks it (sorted, so the result is deterministic), keeps the files whose path
 * relative to the root matches an include glob and no exclude glob, and reads each by its extension
 * (case-insensitive):
 * <ul>
 *   <li>{@code .txt} (and any other extension an include glob selects): text as {@link TextDecoding} reads it
 *       (a byte-order mark for UTF-8 or UTF-16, else UTF-8, else Latin-1 or Windows-1252); the title is the file name without its extension;</li>
 *   <li>{@code .md}, {@code .markdown}: Markdown rendered to plain text by commonmark's
 *       {@code TextContentRenderer}; the title is the front matter's {@code title:}, else the first heading, else the
 *       file name without its extension;</li>
 *   <li>{@code .html}, {@code .htm}: jsoup; the title is {@code <title>} (else the first {@code <h1>}, else the file
 *       name), the text is the body's, scripts, styles and other non-text elements dropped;</li>
 *   <li>{@code .jsonl}, {@code .jsonl.gz}: BEIR-style, one document per line, {@code {"_id", "title", "text",
 *       "metadata"}}; {@code metadata} values are flattened to strings (nested keys joined with {@code .}, array
 *       elements numbered, nulls dropped). A bad line (not UTF-8, not JSON, no {@code _id}, neither title nor text,
 *       an {@code _id} already used) is skipped with a warning naming the file and line, and reported.</li>
 * </ul>
 * A file document's id is its path relative to the root with {@code /} separators; a jsonl document's id is its
 * {@code _id}. Every document's {@code source} is the file's path, and its metadata holds {@code path} (relative),
 * {@code extension}, {@code modified} (ISO-8601 instant) and {@code content-hash} (SHA-256 of the file's bytes,
 * hex), plus {@code line} for jsonl documents; these keys win over a jsonl record's own metadata keys.
 *
 * <p>Nothing a file holds is fatal: a binary file (a NUL byte without a UTF-16 byte-order mark, or control bytes in
 * what is not UTF-8), an
 * unreadable one (permissions, an I/O error, a broken symbolic link), something that is not a regular file (a FIFO,
 * a device), a file over {@link Builder#maxFileBytes(long) the size limit}, a corrupt gzip or a parse failure is
 * skipped with a warning, counted, and reported with its reason in the {@link LoadReport}. Hidden files and
 * directories (names starting with {@code .}) are skipped unless {@link Builder#includeHidden(boolean)}; symbolic
 * links to files are read, links to directories are not followed. Globs are Java's ({@code glob:} syntax,
 * case-sensitive as the file system) matched against the relative path, and a pattern starting with {@code **}{@code /}
 * also matches at the root ({@code **}{@code /*.md} matches {@code README.md}). Thread-safe; each {@link #load()}
 * walks the folder again.
 */
public final class FolderLoader {
    /** The default include glob: every supported format. */
    public static final String DEFAULT_INCLUDE = "**/*.{txt,md,markdown,html,htm,jsonl,jsonl.gz}";
    /** The default size limit of a file read whole (jsonl files are streamed and have none): 64 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;
    private static final int LOGGED_BAD_LINES = 20;

    private static final Logger LOG = LoggerFactory.getLogger(FolderLoader.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path root;
    private final List<String> includes;
    private final List<String> excludes;
    private final List<PathMatcher> includeMatchers;
    private final List<PathMatcher> excludeMatchers;
    private final List<PathMatcher> excludedDirMatchers;
    private final boolean includeHidden;
    private final long maxFileBytes;
    private final Set<Path> ignored;

    private FolderLoader(Builder b) {
        this.root = b.root;
        this.includes = b.includes.isEmpty() ? List.of(DEFAULT_INCLUDE) : List.copyOf(b.includes);
        this.excludes = List.copyOf(b.excludes);
        this.includeMatchers = matchers(includes, false);
        this.excludeMatchers = matchers(excludes, false);
        this.excludedDirMatchers = matchers(excludes, true);
        this.includeHidden = b.includeHidden;
        this.maxFileBytes = b.maxFileBytes;
        this.ignored = Set.copyOf(b.ignored);
    }

    /** A loader of {@code root} with the defaults: every supported format, no excludes, hidden files skipped. */
    public static FolderLoader of(Path root) {
        return builder(root).build();
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** The folder, absolute and normalized. */
    public Path root() {
        return root;
    }

    public List<String> includes() {
        return includes;
    }

    public List<String> excludes() {
        return excludes;
    }

    /** A loader like this one that also ignores {@code file} (the indexer's manifest, when it lives in the folder). */
    FolderLoader ignoring(Path file) {
        Builder b = new Builder(root);
        b.includes.addAll(includes);
        b.excludes.addAll(excludes);
        b.includeHidden = includeHidden;
        b.maxFileBytes = maxFileBytes;
        b.ignored.addAll(ignored);
        b.ignored.add(file.toAbsolutePath().normalize());
        return b.build();
    }

    /**
     * Loads every selected file of the folder.
     *
     * @throws java.io.UncheckedIOException when the root itself cannot be read (any other problem is reported)
     */
    public LoadReport load() {
        List<SkippedFile> skipped = new ArrayList<>();
        List<Candidate> candidates = scan(skipped);
        IdClaims ids = new IdClaims();
        List<LoadedFile> loaded = new ArrayList<>();
        List<SkippedLine> lines = new ArrayList<>();
        for (Candidate c : candidates) {
            Outcome o = read(c, ids);
            lines.addAll(o.lines());
            if (o.loaded() != null) {
                loaded.add(o.loaded());
            } else {
                skipped.add(o.skipped());
            }
        }
        skipped.sort(Comparator.comparing(SkippedFile::path));
        LoadReport report = new LoadReport(loaded, skipped, lines);
        LOG.info("loaded {} from {}", report, root);
        return report;
    }

    // ---- walking

    /** A file selected for loading, with what a stat says about it. */
    record Candidate(String path, Path file, long size, Instant modified) {
    }

    /** Walks the folder: the selected files, sorted by path; problems go to {@code skipped}. */
    List<Candidate> scan(List<SkippedFile> skipped) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("not a directory: " + root);
        }
        List<Candidate> out = new ArrayList<>();
        walk(root, "", out, skipped);
        return out;
    }

    private void walk(Path dir, String relDir, List<Candidate> out, List<SkippedFile> skipped) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (IOException | RuntimeException e) {
            if (dir.equals(root)) {
                throw new java.io.UncheckedIOException("cannot list " + root,
                        e instanceof IOException io ? io : new IOException(e));
            }
            skip(skipped, relDir + "/", "unreadable directory: " + describe(e));
            return;
        }
        entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path p : entries) {
            String name = p.getFileName().toString();
            String rel = relDir.isEmpty() ? name : relDir + "/" + name;
            if (!includeHidden && name.startsWith(".")) {
                continue;
            }
            if (ignored.contains(p.toAbsolutePath().normalize())) {
                continue;
            }
            Path relPath = root.relativize(p);
            BasicFileAttributes own;
            try {
                own = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                if (selected(relPath)) {
                    skip(skipped, rel, "unreadable: " + describe(e));
                }
                continue;
            }
            if (own.isDirectory()) {
                if (!excludedDir(relPath)) {
                    walk(p, rel, out, skipped);
                }
                continue;
            }
            if (!selected(relPath)) {
                continue;
            }
            BasicFileAttributes attrs = own;
            if (own.isSymbolicLink()) {
                try {
                    attrs = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    skip(skipped, rel, "broken symbolic link");
                    continue;
                } catch (IOException e) {
                    skip(skipped, rel, "unreadable: " + describe(e));
                    continue;
                }
                if (attrs.isDirectory()) {
                    LOG.debug("not following the symbolic link to a directory {}", p);
                    continue;
                }
            }
            if (!attrs.isRegularFile()) {
                skip(skipped, rel, "not a regular file");
                continue;
            }
            out.add(new Candidate(rel, p, attrs.size(), attrs.lastModifiedTime().toInstant()));
        }
    }

    private boolean selected(Path rel) {
        return anyMatch(includeMatchers, rel) && !anyMatch(excludeMatchers, rel);
    }

    private boolean excludedDir(Path rel) {
        return anyMatch(excludeMatchers, rel) || anyMatch(excludedDirMatchers, rel);
    }

    private static boolean anyMatch(List<PathMatcher> matchers, Path rel) {
        for (PathMatcher m : matchers) {
            if (m.matches(rel)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Glob matchers; a pattern starting with {@code **}{@code /} also matches without that prefix. With
     * {@code dirs}, only patterns ending in {@code /**}, as matchers of the directories they empty.
     */
    private List<PathMatcher> matchers(List<String> globs, boolean dirs) {
        List<PathMatcher> out = new ArrayList<>();
        for (String g : globs) {
            String glob = g;
            if (dirs) {
                if (!glob.endsWith("/**") || glob.length() <= 3) {
                    continue;
                }
                glob = glob.substring(0, glob.length() - 3);
            }
            out.add(root.getFileSystem().getPathMatcher("glob:" + glob));
            if (glob.startsWith("**/") && glob.length() > 3) {
                out.add(root.getFileSystem().getPathMatcher("glob:" + glob.substring(3)));
            }
        }
        return out;
    }

    private static void skip(List<SkippedFile> skipped, String path, String reason) {
        LOG.warn("skipping {}: {}", path, reason);
        skipped.add(new SkippedFile(path, reason));
    }

    /** Why reading failed, in words (never a Java class name): "permission denied", "no such file", the OS's reason. */
    static String describe(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null && !fs.getReason().isBlank()) {
            return fs.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        if (e instanceof java.io.EOFException) {
            return "unexpected end of file" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? (e instanceof IOException ? "input/output error" : "an internal error") : m;
    }

    // ---- reading

    /** Which file owns each document id, so that one id is never loaded twice. */
    static final class IdClaims {
        private final Map<String, String> owners = new HashMap<>();

        /** Claims {@code id} for {@code where}; returns the earlier owner (and claims nothing) when taken. */
        String claim(String id, String where) {
            return owners.putIfAbsent(id, where);
        }

        void release(String id) {
            owners.remove(id);
        }

        void releaseIfOwner(String id, String where) {
            owners.remove(id, where);
        }
    }

    /** What reading one file gave: a loaded file or the reason it was skipped, and the lines skipped. */
    record Outcome(LoadedFile loaded, SkippedFile skipped, List<SkippedLine> lines) {
    }

    /** Reads one candidate; never throws for what the file holds. */
    Outcome read(Candidate c, IdClaims ids) {
        String name = c.file().getFileName().toString();
        Format format = Formats.of(name);
        try {
            if (format == Format.JSONL || format == Format.JSONL_GZ) {
                return readJsonl(c, format == Format.JSONL_GZ, ids);
            }
            if (c.size() > maxFileBytes) {
                return skipped(c, "too large (" + c.size() + " bytes; the limit is " + maxFileBytes + ")");
            }
            byte[] bytes = Files.readAllBytes(c.file());
            if (bytes.length > maxFileBytes) {
                return skipped(c, "too large (" + bytes.length + " bytes; the limit is " + maxFileBytes + ")");
            }
            String hash = HexFormat.of().formatHex(sha256().digest(bytes));
            String fallbackTitle = Formats.baseName(name);
            Extracted x = switch (format) {
                case MARKDOWN -> Formats.markdown(TextDecoding.decode(bytes), fallbackTitle);
                case HTML -> Formats.html(bytes, c.file().toUri().toString(), fallbackTitle);
                default -> new Extracted(fallbackTitle, TextDecoding.decode(bytes));
            };
            Document doc = Document.builder(c.path()).title(x.title()).text(x.text()).source(c.file().toString())
                    .metadata(fileMetadata(c, name, hash)).build();
            String owner = ids.claim(doc.id(), c.path());
            if (owner != null) {
                return skipped(c, "its document id '" + doc.id() + "' is already used by " + owner);
            }
            return new Outcome(new LoadedFile(c.path(), c.file(), c.size(), c.modified(), hash, List.of(doc)), null,
                    List.of());
        } catch (NotTextException e) {
            return skipped(c, e.getMessage());
        } catch (IOException e) {
            return skipped(c, "unreadable: " + describe(e));
        } catch (RuntimeException e) {
            LOG.debug("failed to read {}", c.file(), e);
            return skipped(c, "could not be parsed: " + describe(e));
        }
    }

    private static Outcome skipped(Candidate c, String reason) {
        LOG.warn("skipping {}: {}", c.path(), reason);
        return new Outcome(null, new SkippedFile(c.path(), reason), List.of());
    }

    private static Map<String, String> fileMetadata(Candidate c, String name, String hash) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("path", c.path());
        m.put("extension", Formats.extension(name));
        m.put("modified", c.modified().toString());
        m.put("content-hash", hash);
        return m;
    }

    private Outcome readJsonl(Candidate c, boolean gzip, IdClaims ids) throws IOException {
        MessageDigest digest = sha256();
        List<Document> docs = new ArrayList<>();
        List<SkippedLine> bad = new ArrayList<>();
        List<String> claimed = new ArrayList<>();
        String name = c.file().getFileName().toString();
        String hash;
        try (InputStream raw = Files.newInputStream(c.file());
             DigestInputStream hashed = new DigestInputStream(new BufferedInputStream(raw, 1 << 16), digest)) {
            InputStream in = gzip ? new GZIPInputStream(hashed, 1 << 16) : hashed;
            ByteLines lines = new ByteLines(in, (int) Math.min(Integer.MAX_VALUE - 16, maxFileBytes));
            List<Pending> pending = new ArrayList<>();
            long lineNo = 0;
            while (lines.next()) {
                lineNo++;
                if (lines.tooLong()) {
                    bad.add(badLine(c, lineNo, "longer than " + maxFileBytes + " bytes", bad.size()));
                    continue;
                }
                if (lines.isBlank()) {
                    continue;
                }
                String text = Formats.strictUtf8(lines.buffer(), 0, lines.length());
                if (text == null) {
                    bad.add(badLine(c, lineNo, "not valid UTF-8", bad.size()));
                    continue;
                }
                if (lineNo == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                try {
                    pending.add(new Pending(lineNo, parseLine(text)));
                } catch (BadLine e) {
                    bad.add(badLine(c, lineNo, e.getMessage(), bad.size()));
                }
            }
            hashed.transferTo(OutputStream.nullOutputStream()); // hash the whole file, past the gzip trailer
            hash = HexFormat.of().formatHex(digest.digest());
            for (Pending p : pending) {
                Map<String, String> meta = new LinkedHashMap<>(p.record().metadata());
                meta.putAll(fileMetadata(c, name, hash));
                meta.put("line", Long.toString(p.line()));
                Document doc = Document.builder(p.record().id()).title(p.record().title()).text(p.record().text())
                        .metadata(meta).source(c.file().toString()).build();
                String where = c.path() + ":" + p.line();
                String owner = ids.claim(doc.id(), where);
                if (owner != null) {
                    bad.add(badLine(c, p.line(), "duplicate _id '" + doc.id() + "' (first at " + owner + ")", bad.size()));
                    continue;
                }
                claimed.add(doc.id());
                docs.add(doc);
            }
        } catch (IOException e) {
            claimed.forEach(ids::release);
            throw e;
        }
        if (bad.size() > LOGGED_BAD_LINES) {
            LOG.warn("{}: {} bad lines skipped in all ({} logged)", c.path(), bad.size(), LOGGED_BAD_LINES);
        }
        bad.sort(Comparator.comparingLong(SkippedLine::line));
        return new Outcome(new LoadedFile(c.path(), c.file(), c.size(), c.modified(), hash, docs), null, bad);
    }

    private static SkippedLine badLine(Candidate c, long line, String reason, int alreadyBad) {
        if (alreadyBad < LOGGED_BAD_LINES) {
            LOG.warn("skipping {} line {}: {}", c.path(), line, reason);
        }
        return new SkippedLine(c.path(), line, reason);
    }

    private record Pending(long line, JsonlRecord record) {
    }

    private record JsonlRecord(String id, String title, String text, Map<String, String> metadata) {
    }

    private static final class BadLine extends Exception {
        BadLine(String message) {
            super(message, null, false, false);
        }
    }

    private static JsonlRecord parseLine(String line) throws BadLine {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadLine("invalid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadLine("not a JSON object");
        }
        JsonNode id = node.get("_id");
        if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isBlank()) {
            throw new BadLine("no _id (a non-blank string)");
        }
        String title = scalar(node, "title");
        String text = scalar(node, "text");
        if (title.isBlank() && text.isBlank()) {
            throw new BadLine("empty document: neither title nor text");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = node.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                throw new BadLine("metadata is not an object");
            }
            meta.properties().forEach(f -> flatten(f.getKey(), f.getValue(), metadata));
        }
        return new JsonlRecord(id.asText(), title, text, metadata);
    }

    private static String scalar(JsonNode node, String field) throws BadLine {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isContainerNode()) {
            throw new BadLine(field + " is not a string");
        }
        return v.asText();
    }

    private static void flatten(String key, JsonNode value, Map<String, String> out) {
        if (value.isObject()) {
            value.properties().forEach(f -> flatten(key + "." + f.getKey(), f.getValue(), out));
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                flatten(key + "." + i, value.get(i), out);
            }
        } else if (!value.isNull() && !value.isMissingNode()) {
            out.put(key, value.asText());
        }
    }

    /** Lines of bytes split on {@code \n} (a trailing {@code \r} dropped), with a length limit per line. */
    private static final class ByteLines {
        private final InputStream in;
        private final int maxLine;
        private final byte[] chunk = new byte[1 << 16];
        private int chunkPos;
        private int chunkLen;
        private byte[] buf = new byte[1024];
        private int len;
        private boolean tooLong;
        private boolean eof;

        ByteLines(InputStream in, int maxLine) {
            this.in = in;
            this.maxLine = maxLine;
        }

        boolean next() throws IOException {
            if (eof) {
                return false;
            }
            len = 0;
            tooLong = false;
            boolean any = false;
            while (true) {
                if (chunkPos == chunkLen) {
                    chunkLen = in.read(chunk);
                    chunkPos = 0;
                    if (chunkLen <= 0) {
                        chunkLen = 0;
                        eof = true;
                        return any;
                    }
                }
                any = true;
                int start = chunkPos;
                while (chunkPos < chunkLen && chunk[chunkPos] != '\n') {
                    chunkPos++;
                }
                append(start, chunkPos - start);
                if (chunkPos < chunkLen) {
                    chunkPos++; // the \n
                    if (len > 0 && buf[len - 1] == '\r') {
                        len--;
                    }
                    return true;
                }
            }
        }

        private void append(int from, int n) {
            if (tooLong || n == 0) {
                return;
            }
            if ((long) len + n > maxLine) {
                tooLong = true;
                return;
            }
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(len + n, Math.min(maxLine, buf.length * 2)));
            }
            System.arraycopy(chunk, from, buf, len, n);
            len += n;
        }

        boolean tooLong() {
            return tooLong;
        }

        boolean isBlank() {
            for (int i = 0; i < len; i++) {
                byte b = buf[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        byte[] buffer() {
            return buf;
        }

        int length() {
            return len;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The SHA-256 of a file's bytes, streamed (lower-case hex). */
    static String sha256(Path file) throws IOException {
        MessageDigest d = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), d)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Override
    public String toString() {
        return "FolderLoader[" + root + ", include " + includes + ", exclude " + excludes + "]";
    }

    /** Builds a {@link FolderLoader}. */
    public static final class Builder {
        private final Path root;
        private final List<String> includes = new ArrayList<>();
        private final List<String> excludes = new ArrayList<>();
        private boolean includeHidden;
        private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
        private final java.util.Set<Path> ignored = new java.util.HashSet<>();

        private Builder(Path root) {
            this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        }

        /** Adds include globs (default, when none is added: {@value FolderLoader#DEFAULT_INCLUDE}). */
        public Builder include(String... globs) {
            for (String g : globs) {
                includes.add(checkGlob(g));
            }
            return this;
        }

        /** Adds exclude globs; a file matching one is skipped silently, a directory matching one is not walked. */
        public Builder exclude(String... globs) {
            for (String g : globs) {
                excludes.add(checkGlob(g));
            }
            return this;
        }

        /** Whether to load hidden files and walk hidden directories (names starting with {@code .}); default no. */
        public Builder includeHidden(boolean includeHidden) {
            this.includeHidden = includeHidden;
            return this;
        }

        /** Files read whole (all but jsonl) larger than this are skipped; default 64 MiB. Also the jsonl line limit. */
        public Builder maxFileBytes(long maxFileBytes) {
            if (maxFileBytes < 1) {
                throw new IllegalArgumentException("maxFileBytes must be positive, got " + maxFileBytes);
            }
            this.maxFileBytes = maxFileBytes;
            return this;
        }

        private String checkGlob(String glob) {
            Objects.requireNonNull(glob, "glob");
            if (glob.isBlank()) {
                throw new IllegalArgumentException("a glob must not be blank");
            }
            try {
                root.getFileSystem().getPathMatcher("glob:" + glob);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad glob '" + glob + "': " + e.getMessage(), e);
            }
            return glob;
        }

        public FolderLoader build() {
            return new FolderLoader(this);
        }
    }
}
