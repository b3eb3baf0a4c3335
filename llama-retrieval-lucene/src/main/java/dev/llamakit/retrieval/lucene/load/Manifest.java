package dev.llamakit.retrieval.lucene.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder indexer's record of what it indexed: for each file (path relative to the root), its size, modified
 * time, SHA-256 and the ids of the documents it gave; plus when the scan that wrote it started and how many
 * documents it accounts for. JSON, written atomically (temp file, fsync, atomic rename, directory fsync). Internal.
 *
 * <pre>{@code
 * {"format": "llamakit-folder-manifest", "version": 1, "root": "/data/docs",
 *  "scanStarted": "2026-11-25T10:00:00Z", "documents": 2,
 *  "files": {"guide.md": {"size": 812, "modified": "2026-11-20T09:12:44.123Z",
 *                         "sha256": "9f86d0…", "ids": ["guide.md"]}, …}}
 * }</pre>
 */
final class Manifest {
    static final String FORMAT = "llamakit-folder-manifest";
    static final int VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(Manifest.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One file's entry. */
    record Entry(long size, Instant modified, String sha256, List<String> ids) {
        Entry {
            ids = List.copyOf(ids);
        }
    }

    private final Instant scanStarted;
    private final String root;
    private final SortedMap<String, Entry> files;

    Manifest(Instant scanStarted, String root, Map<String, Entry> files) {
        this.scanStarted = scanStarted;
        this.root = root;
        this.files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    static Manifest empty() {
        return new Manifest(null, null, Map.of());
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
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
                throw bad(path, "it is not a " + FORMAT + " file");
            }
            int version = root.path("version").asInt(-1);
            if (version != VERSION) {
                throw bad(path, "its version is " + root.path("version") + ", this reader knows " + VERSION);
            }
            Map<String, Entry> files = new TreeMap<>();
            JsonNode f = root.path("files");
            if (!f.isObject()) {
                throw bad(path, "it has no files object");
            }
            for (Map.Entry<String, JsonNode> e : f.properties()) {
                JsonNode v = e.getValue();
                if (!v.path("size").canConvertToLong() || !v.path("sha256").isTextual() || !v.path("ids").isArray()
                        || !v.path("modified").isTextual()) {
                    throw bad(path, "the entry of '" + e.getKey() + "' is incomplete");
                }
                List<String> ids = new ArrayList<>();
                for (JsonNode id : v.get("ids")) {
                    ids.add(id.asText());
                }
                files.put(e.getKey(), new Entry(v.get("size").asLong(), Instant.parse(v.get("modified").asText()),
                        v.get("sha256").asText(), ids));
            }
            JsonNode started = root.get("scanStarted");
            return new Manifest(started == null || started.isNull() ? null : Instant.parse(started.asText()),
                    root.path("root").asText(null), files);
        } catch (IOException | DateTimeParseException e) {
            throw bad(path, e.getMessage());
        }
    }

    private static IllegalStateException bad(Path path, String why) {
        return new IllegalStateException("the index manifest " + path + " cannot be read (" + why
                + "); delete it to re-index the whole folder");
    }

    /** Writes the manifest atomically: a temp file beside it, fsync, atomic rename over it, fsync of the folder. */
    void write(Path path) {
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
        });
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
