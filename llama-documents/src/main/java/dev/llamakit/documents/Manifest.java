package dev.llamakit.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder indexer's record of what it indexed: for each file (path relative to the root), its size, modified
 * time, SHA-256, the ids of the documents it gave ({@code ids}: the ids it owns, in file order) and the ids it also
 * holds that an earlier file owns ({@code shadowed}); a file whose documents were only partly written when the record
 * was taken is {@code pending} and read again by the next run. {@code retired} lists ids that may still be in the
 * index without belonging to any file (deletes not yet done); {@code partial} marks a checkpoint taken in the middle of
 * a run. Plus when the scan that wrote it started and how many
 * documents it accounts for. JSON: in a Lucene index's commit data (gzip, base64), or in a file written atomically
 * (temp file, fsync, atomic rename, directory fsync). Version 1 (no {@code shadowed}, {@code pending},
 * {@code retired}) is read too. Internal.
 *
 * <pre>{@code
 * {"format": "llamakit-folder-manifest", "version": 2, "root": "/data/docs",
 *  "scanStarted": "2026-11-25T10:00:00Z", "documents": 2, "retired": [],
 *  "files": {"guide.md": {"size": 812, "modified": "2026-11-20T09:12:44.123Z",
 *                         "sha256": "9f86d0…", "ids": ["guide.md"]}, …}}
 * }</pre>
 */
final class Manifest {
    static final String FORMAT = "llamakit-folder-manifest";
    static final int VERSION = 2;
    private static final String GZIP_PREFIX = "gzip:";

    private static final Logger LOG = LoggerFactory.getLogger(Manifest.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    /**
     * One file's entry: {@code ids} it owns (written to the index), {@code shadowed} ids it holds that an earlier
     * file owns, and whether all its documents were written ({@code complete}; false: read it again).
     */
    record Entry(long size, Instant modified, String sha256, List<String> ids, List<String> shadowed,
                 boolean complete) {
        Entry {
            ids = List.copyOf(ids);
            shadowed = List.copyOf(shadowed);
        }

        Entry(long size, Instant modified, String sha256, List<String> ids) {
            this(size, modified, sha256, ids, List.of(), true);
        }

        /** Every id the file holds: owned, then shadowed. */
        List<String> given() {
            if (shadowed.isEmpty()) {
                return ids;
            }
            List<String> all = new ArrayList<>(ids);
            all.addAll(shadowed);
            return all;
        }

        Entry pending() {
            return complete ? new Entry(size, modified, sha256, ids, shadowed, false) : this;
        }
    }

    private final Instant scanStarted;
    private final String root;
    private final SortedMap<String, Entry> files;
    private final List<String> retired;
    private final boolean partial;

    Manifest(Instant scanStarted, String root, Map<String, Entry> files) {
        this(scanStarted, root, files, List.of(), false);
    }

    /** @param partial whether it was taken in the middle of a run (a checkpoint), not at its end */
    Manifest(Instant scanStarted, String root, Map<String, Entry> files, Collection<String> retired,
             boolean partial) {
        this.scanStarted = scanStarted;
        this.root = root;
        this.files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
        this.retired = List.copyOf(retired);
        this.partial = partial;
    }

    static Manifest empty() {
        return new Manifest(null, null, Map.of());
    }

    /** Ids that may be in the index without belonging to a file: their deletes were not done yet. */
    List<String> retired() {
        return retired;
    }

    /** Whether the run that wrote it did not finish: it is a checkpoint taken in the middle of a run. */
    boolean interrupted() {
        return partial;
    }

    /** Every id the index may hold because of this manifest: the ids files own, and the retired ones. */
    Set<String> indexedIds() {
        Set<String> all = new HashSet<>(retired);
        files.values().forEach(e -> all.addAll(e.ids()));
        return all;
    }

    /** When the scan that wrote this started (null for an empty manifest). */
    Instant scanStarted() {
        return scanStarted;
    }

    String root() {
        return root;
    }

    SortedMap<String, Entry> files() {
        return files;
    }

    /** The documents all entries account for. */
    long documents() {
        long n = 0;
        for (Entry e : files.values()) {
            n += e.ids().size();
        }
        return n;
    }

    /**
     * Reads a manifest; an absent file is an empty manifest.
     *
     * @throws IllegalStateException when the file is not a manifest this version can read
     */
    static Manifest read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the index manifest " + path, e);
        }
        return parse(bytes, "the index manifest " + path, "delete it to re-index the whole folder");
    }

    /**
     * Reads a manifest from a Lucene commit's data ({@link #encode()}).
     *
     * @throws IllegalStateException when it cannot be read
     */
    static Manifest decode(String value, String where) {
        String fix = "index the folder into a new index folder";
        if (!value.startsWith(GZIP_PREFIX)) {
            return parse(value.getBytes(StandardCharsets.UTF_8), where, fix);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(
                Base64.getDecoder().decode(value.substring(GZIP_PREFIX.length()))))) {
            return parse(in.readAllBytes(), where, fix);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(where + " cannot be read (" + e.getMessage() + "); " + fix, e);
        }
    }

    /** The manifest as a Lucene commit stores it: gzip-compressed JSON in base64 (ids compress well). */
    String encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            COMPACT.writeValue(out, toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the manifest", e);
        }
        return GZIP_PREFIX + Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static Manifest parse(byte[] bytes, String where, String fix) {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
                throw bad(where, "it is not a " + FORMAT + " file", fix);
            }
            int version = root.path("version").asInt(-1);
            if (version != 1 && version != VERSION) {
                throw bad(where, "its version is " + root.path("version") + ", this reader knows 1 to " + VERSION, fix);
            }
            Map<String, Entry> files = new TreeMap<>();
            JsonNode f = root.path("files");
            if (!f.isObject()) {
                throw bad(where, "it has no files object", fix);
            }
            for (Map.Entry<String, JsonNode> e : f.properties()) {
                JsonNode v = e.getValue();
                if (!v.path("size").canConvertToLong() || !v.path("sha256").isTextual() || !v.path("ids").isArray()
                        || !v.path("modified").isTextual()) {
                    throw bad(where, "the entry of '" + e.getKey() + "' is incomplete", fix);
                }
                files.put(e.getKey(), new Entry(v.get("size").asLong(), Instant.parse(v.get("modified").asText()),
                        v.get("sha256").asText(), strings(v.get("ids")), strings(v.get("shadowed")),
                        !v.path("pending").asBoolean(false)));
            }
            JsonNode started = root.get("scanStarted");
            return new Manifest(started == null || started.isNull() ? null : Instant.parse(started.asText()),
                    root.path("root").asText(null), files, strings(root.get("retired")),
                    root.path("partial").asBoolean(false));
        } catch (IOException | DateTimeParseException e) {
            throw bad(where, e.getMessage(), fix);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(id -> out.add(id.asText()));
        }
        return out;
    }

    private static IllegalStateException bad(String where, String why, String fix) {
        return new IllegalStateException(where + " cannot be read (" + why + "); " + fix);
    }

    private ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("root", this.root);
        root.put("scanStarted", scanStarted == null ? null : scanStarted.toString());
        root.put("documents", documents());
        ObjectNode f = root.putObject("files");
        files.forEach((p, e) -> {
            ObjectNode o = f.putObject(p);
            o.put("size", e.size());
            o.put("modified", e.modified().toString());
            o.put("sha256", e.sha256());
            ArrayNode ids = o.putArray("ids");
            e.ids().forEach(ids::add);
            if (!e.shadowed().isEmpty()) {
                ArrayNode shadowed = o.putArray("shadowed");
                e.shadowed().forEach(shadowed::add);
            }
            if (!e.complete()) {
                o.put("pending", true);
            }
        });
        if (partial) {
            root.put("partial", true);
        }
        if (!retired.isEmpty()) {
            ArrayNode r = root.putArray("retired");
            retired.forEach(r::add);
        }
        return root;
    }

    /** Writes the manifest atomically: a temp file beside it, fsync, atomic rename over it, fsync of the folder. */
    void write(Path path) {
        ObjectNode root = toJson();
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, target.getFileName().toString() + ".", ".tmp");
            byte[] bytes = JSON.writeValueAsBytes(root);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                LOG.warn("the file system of {} cannot rename atomically; replacing the manifest non-atomically", dir);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("cannot fsync the folder {} (not supported here)", dir, e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the index manifest " + target, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}
