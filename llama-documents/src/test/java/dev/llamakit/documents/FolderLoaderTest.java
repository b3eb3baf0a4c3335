package dev.llamakit.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.llamakit.documents.LoadReport.SkippedFile;
import dev.llamakit.documents.LoadReport.SkippedLine;
import dev.llamakit.retrieval.Document;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderLoaderTest {
    @TempDir
    Path root;

    static final String MARKDOWN = """
            # Installing llamakit

            llamakit is a **Java 17** toolkit. See the [guide](https://example.com/guide) and
            the *reference*.

            ## Requirements

            - Java 17 or later
            - Maven 3.9

            ```java
            var client = LlamaClient.builder().build();
            ```

            > Quoted `inline code` here.

            1. First step
            2. Second step
            """;

    static final String HTML = """
            <!DOCTYPE html>
            <html><head>
              <title> The Eiffel Tower </title>
              <style>body { color: red; } .secret { display: none }</style>
              <script>var tracking = "do not index me";</script>
            </head>
            <body>
              <nav><a href="/">Home</a></nav>
              <h1>Eiffel Tower</h1>
              <p>The tower is a <b>wrought-iron</b> lattice tower in Paris.</p>
              <p>It was built from 1887<br>to 1889.</p>
              <script type="text/javascript">document.write("nor me");</script>
              <noscript>Enable JavaScript</noscript>
              <ul><li>Height: 330 m</li><li>Visitors: 7 million</li></ul>
            </body></html>
            """;

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    Path write(String rel, String text) throws IOException {
        return write(rel, text.getBytes(StandardCharsets.UTF_8));
    }

    Path write(String rel, byte[] bytes) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    static Map<String, Document> byId(LoadReport r) {
        return r.documents().stream().collect(Collectors.toMap(Document::id, Function.identity()));
    }

    @Test
    void loadsPlainTextWithItsMetadata() throws Exception {
        byte[] bytes = "\uFEFFFirst line.\r\nSecond line — ünïcode.\n".getBytes(StandardCharsets.UTF_8);
        Path file = write("notes/todo.txt", bytes);
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        LoadReport r = FolderLoader.of(root).load();
        assertThat(r.filesLoaded()).isEqualTo(1);
        assertThat(r.filesSkipped()).isZero();
        Document d = r.documents().get(0);
        assertThat(d.id()).isEqualTo("notes/todo.txt");
        assertThat(d.title()).isEqualTo("todo");
        assertThat(d.text()).isEqualTo("First line.\r\nSecond line — ünïcode.\n");
        assertThat(d.source()).contains(file.toAbsolutePath().normalize().toString());
        assertThat(d.metadata()).containsOnly(entry("path", "notes/todo.txt"), entry("extension", "txt"),
                entry("modified", modified.toString()), entry("content-hash", sha256(bytes)));
        assertThat(r.loaded().get(0).contentHash()).isEqualTo(sha256(bytes));
        assertThat(r.loaded().get(0).size()).isEqualTo(bytes.length);
    }

    @Test
    void rendersMarkdownToPlainTextWithTheFirstHeadingAsTitle() throws Exception {
        write("docs/install.md", MARKDOWN);
        write("docs/plain.markdown", "Just a paragraph with `code` and a [link](http://x.org).\n");
        write("docs/html.md", "Intro <b>bold</b> text.\n\n<div align=\"center\">\n<p>html <i>block</i></p>\n"
                + "<script>alert(1)</script>\n</div>\n\nAfter the block.\n");
        write("docs/front.md", "---\ntitle: \"From front matter\"\ntags: [a, b]\n---\n# Heading\n\nBody.\n");
        Map<String, Document> docs = byId(FolderLoader.of(root).load());

        Document install = docs.get("docs/install.md");
        assertThat(install.title()).isEqualTo("Installing llamakit");
        assertThat(install.metadata()).containsEntry("extension", "md");
        String text = install.text();
        assertThat(text).contains("llamakit is a Java 17 toolkit.", "guide", "reference", "Requirements",
                "Java 17 or later", "var client = LlamaClient.builder().build();", "inline code", "First step");
        assertThat(text).doesNotContain("**", "](", "```", "# ", "## ");
        // TextContentRenderer's own rendering: a link as "text" (url), a code span quoted, a quote in guillemets
        assertThat(text).contains("\"guide\" (https://example.com/guide)", "«Quoted \"inline code\" here.»");
        assertThat(text).startsWith("Installing llamakit\n\n"); // blocks separated by blank lines
        assertThat(docs.get("docs/plain.markdown").title()).isEqualTo("plain");
        assertThat(docs.get("docs/plain.markdown").text()).isEqualTo("Just a paragraph with \"code\" and a \"link\" (http://x.org).");
        // raw HTML in Markdown: inline tags vanish, a block becomes its text
        assertThat(docs.get("docs/html.md").text()).isEqualTo("Intro bold text.\n\nhtml block\n\nAfter the block.");
        Document front = docs.get("docs/front.md");
        assertThat(front.title()).isEqualTo("From front matter");
        assertThat(front.text()).isEqualTo("Heading\n\nBody.").doesNotContain("tags");
    }

    @Test
    void extractsHtmlTextWithoutScriptsOrStyles() throws Exception {
        write("site/eiffel.html", HTML);
        write("site/untitled.htm", "<html><body><h1>Only a heading</h1><p>And text.</p></body></html>");
        write("site/bare.html", "<p>No title at all.</p>");
        byte[] latin1 = "<html><head><meta charset=\"windows-1252\"><title>Café</title></head><body>Crème brûlée</body></html>"
                .getBytes(StandardCharsets.ISO_8859_1);
        write("site/latin1.html", latin1);
        Map<String, Document> docs = byId(FolderLoader.of(root).load());

        Document eiffel = docs.get("site/eiffel.html");
        assertThat(eiffel.title()).isEqualTo("The Eiffel Tower");
        assertThat(eiffel.text()).contains("The tower is a wrought-iron lattice tower in Paris.", "Height: 330 m",
                "It was built from 1887\nto 1889.", "Eiffel Tower\n\nThe tower");
        assertThat(eiffel.text()).doesNotContain("tracking", "nor me", "color", "display", "Enable JavaScript", "<");
        assertThat(eiffel.metadata()).containsEntry("extension", "html");
        assertThat(docs.get("site/untitled.htm").title()).isEqualTo("Only a heading");
        assertThat(docs.get("site/bare.html").title()).isEqualTo("bare");
        assertThat(docs.get("site/bare.html").text()).isEqualTo("No title at all.");
        assertThat(docs.get("site/latin1.html").title()).isEqualTo("Café");
        assertThat(docs.get("site/latin1.html").text()).isEqualTo("Crème brûlée");
    }

    static final String JSONL = String.join("\n",
            "{\"_id\": \"4983\", \"title\": \"Microstructural development\", \"text\": \"Alterations of the architecture.\", \"metadata\": {}}",
            "",
            "{\"_id\": \"5836\", \"title\": \"Induction of myelodysplasia\", \"text\": \"Myelodysplastic syndromes.\", \"metadata\": {\"year\": 2010, \"venue\": {\"name\": \"Blood\", \"tier\": 1}, \"tags\": [\"a\", \"b\"], \"none\": null}}",
            "{\"_id\": \"bad json\", ",
            "[1, 2, 3]",
            "{\"title\": \"no id\", \"text\": \"x\"}",
            "{\"_id\": \"empty\", \"title\": \"\", \"text\": \"  \"}",
            "{\"_id\": \"4983\", \"title\": \"dup\", \"text\": \"duplicate id\"}",
            "{\"_id\": 42, \"text\": \"numeric id, no title\"}",
            "{\"_id\": \"m\", \"text\": \"bad metadata\", \"metadata\": [1]}",
            "{\"_id\": \"t\", \"text\": {\"not\": \"a string\"}}",
            "{\"_id\": \"trail\", \"text\": \"x\"} garbage",
            "") ;

    @Test
    void loadsBeirJsonlAndReportsEachBadLine() throws Exception {
        byte[] bytes = JSONL.getBytes(StandardCharsets.UTF_8);
        // a line with invalid UTF-8 after the others
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(bytes);
        b.write(new byte[] {'{', '"', '_', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
        b.write("{\"_id\": \"last\", \"text\": \"crlf line\"}\r\n".getBytes(StandardCharsets.UTF_8));
        Path file = write("beir/corpus.jsonl", b.toByteArray());
        LoadReport r = FolderLoader.of(root).load();

        assertThat(r.filesLoaded()).isEqualTo(1);
        assertThat(r.documents()).extracting(Document::id).containsExactly("4983", "5836", "42", "last");
        Map<String, Document> docs = byId(r);
        Document d = docs.get("5836");
        assertThat(d.title()).isEqualTo("Induction of myelodysplasia");
        assertThat(d.text()).isEqualTo("Myelodysplastic syndromes.");
        assertThat(d.source()).contains(file.toAbsolutePath().normalize().toString());
        assertThat(d.metadata()).contains(entry("year", "2010"), entry("venue.name", "Blood"), entry("venue.tier", "1"),
                entry("tags.0", "a"), entry("tags.1", "b"), entry("path", "beir/corpus.jsonl"),
                entry("extension", "jsonl"), entry("line", "3"), entry("content-hash", sha256(b.toByteArray())))
                .doesNotContainKey("none");
        assertThat(docs.get("42").title()).isEmpty();
        assertThat(docs.get("last").text()).isEqualTo("crlf line");

        assertThat(r.skippedLines()).extracting(SkippedLine::path).containsOnly("beir/corpus.jsonl");
        assertThat(r.skippedLines()).extracting(SkippedLine::line).containsExactly(4L, 5L, 6L, 7L, 8L, 10L, 11L, 12L, 13L);
        Map<Long, String> reasons = r.skippedLines().stream().collect(Collectors.toMap(SkippedLine::line, SkippedLine::reason));
        assertThat(reasons.get(4L)).startsWith("invalid JSON");
        assertThat(reasons.get(5L)).isEqualTo("not a JSON object");
        assertThat(reasons.get(6L)).contains("_id");
        assertThat(reasons.get(7L)).contains("empty document");
        assertThat(reasons.get(8L)).contains("duplicate _id '4983'").contains("beir/corpus.jsonl:1");
        assertThat(reasons.get(10L)).contains("metadata");
        assertThat(reasons.get(11L)).contains("text is not a string");
        assertThat(reasons.get(12L)).startsWith("invalid JSON");
        assertThat(reasons.get(13L)).contains("UTF-8");
    }

    @Test
    void loadsGzippedJsonlAndSkipsACorruptOne() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(JSONL.getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = gz.toByteArray();
        write("corpus.jsonl.gz", bytes);
        write("broken.jsonl.gz", Arrays.copyOf(bytes, bytes.length / 2));
        write("notgzip.jsonl.gz", "plain text, not gzip".getBytes(StandardCharsets.UTF_8));
        LoadReport r = FolderLoader.of(root).load();
        assertThat(r.loaded()).extracting(LoadReport.LoadedFile::path).containsExactly("corpus.jsonl.gz");
        assertThat(r.documents()).extracting(Document::id).containsExactly("4983", "5836", "42");
        assertThat(r.documents().get(0).metadata()).containsEntry("extension", "jsonl.gz")
                .containsEntry("content-hash", sha256(bytes));
        assertThat(r.skipped()).extracting(SkippedFile::path).containsExactly("broken.jsonl.gz", "notgzip.jsonl.gz");
        assertThat(r.skipped()).allSatisfy(s -> assertThat(s.reason()).startsWith("unreadable"));
    }

    @Test
    void binaryFilesAreSkippedAndCounted() throws Exception {
        write("ok.txt", "fine");
        write("image.txt", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
        write("control.txt", new byte[] {'c', 'a', 'f', (byte) 0xE9, 0x01, 0x02});
        write("nul.md", "# Title\0\0\0");
        write("nul.html", "<p>a\0b</p>");
        LoadReport r = FolderLoader.of(root).load();
        assertThat(r.documents()).extracting(Document::id).containsExactly("ok.txt");
        assertThat(r.filesSkipped()).isEqualTo(4);
        assertThat(r.skipped()).extracting(SkippedFile::path).containsExactly("control.txt", "image.txt", "nul.html", "nul.md");
        Map<String, String> why = r.skipped().stream().collect(Collectors.toMap(SkippedFile::path, SkippedFile::reason));
        assertThat(why.get("image.txt")).contains("binary").contains("NUL");
        assertThat(why.get("control.txt")).contains("binary").contains("not UTF-8").contains("offset 4");
        assertThat(why.get("nul.md")).contains("NUL");
        assertThat(why.get("nul.html")).contains("NUL");
    }

    /** Latin-1, Windows-1252 and UTF-16 with a byte-order mark are text, not binary. */
    @Test
    void readsLatin1Windows1252AndUtf16WithAByteOrderMark() throws Exception {
        String french = "Caf\u00e9 cr\u00e8me, na\u00efve gar\u00e7on.\nSecond line.\n";
        write("latin1.txt", french.getBytes(StandardCharsets.ISO_8859_1));
        write("cp1252.md", "# Quotes\n\n\u201cSmart\u201d quotes cost 5 \u20ac.\n".getBytes("windows-1252"));
        write("utf16le.txt", withBom(new byte[] {(byte) 0xFF, (byte) 0xFE}, french.getBytes(StandardCharsets.UTF_16LE)));
        write("utf16be.md", withBom(new byte[] {(byte) 0xFE, (byte) 0xFF},
                "# \u00dcber\n\nGr\u00fc\u00dfe aus K\u00f6ln.\n".getBytes(StandardCharsets.UTF_16BE)));
        write("utf16.html", withBom(new byte[] {(byte) 0xFF, (byte) 0xFE},
                "<title>T\u00eate</title><p>\u00c9t\u00e9 \u00e0 Paris</p>".getBytes(StandardCharsets.UTF_16LE)));
        write("utf8bom.txt", withBom(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, french.getBytes(StandardCharsets.UTF_8)));
        LoadReport r = FolderLoader.of(root).load();
        assertThat(r.skipped()).isEmpty();
        Map<String, Document> docs = byId(r);
        assertThat(docs.get("latin1.txt").text()).isEqualTo(french);
        assertThat(docs.get("utf16le.txt").text()).isEqualTo(french);
        assertThat(docs.get("utf8bom.txt").text()).isEqualTo(french);
        assertThat(docs.get("cp1252.md").text()).contains("\u201cSmart\u201d quotes cost 5 \u20ac.");
        assertThat(docs.get("utf16be.md").title()).isEqualTo("\u00dcber");
        assertThat(docs.get("utf16be.md").text()).contains("Gr\u00fc\u00dfe aus K\u00f6ln.");
        assertThat(docs.get("utf16.html").title()).isEqualTo("T\u00eate");
        assertThat(docs.get("utf16.html").text()).contains("\u00c9t\u00e9 \u00e0 Paris");
    }

    @Test
    void textDecodingRefusesWhatIsNotText() {
        assertThatThrownBy(() -> TextDecoding.decode(new byte[] {'a', 0, 'b'}))
                .isInstanceOf(NotTextException.class).hasMessageContaining("NUL byte at offset 1");
        assertThatThrownBy(() -> TextDecoding.decode(new byte[] {(byte) 0xFF, (byte) 0xFE, 'a'}))
                .isInstanceOf(NotTextException.class).hasMessageContaining("UTF-16LE");
        assertThatThrownBy(() -> TextDecoding.decode(new byte[] {(byte) 0xE9, 0x1B, 'x'}))
                .isInstanceOf(NotTextException.class).hasMessageContaining("control byte at offset 1");
        // bytes Windows-1252 leaves undefined are not text either
        assertThatThrownBy(() -> TextDecoding.decode(new byte[] {'a', (byte) 0x81, (byte) 0xE9}))
                .isInstanceOf(NotTextException.class);
    }

    static byte[] withBom(byte[] bom, byte[] body) {
        byte[] all = Arrays.copyOf(bom, bom.length + body.length);
        System.arraycopy(body, 0, all, bom.length, body.length);
        return all;
    }

    @Test
    void unreadableEntriesAreSkippedAndCountedNeverFatal() throws Exception {
        // Tests run as root here, so chmod 000 does not stop reading: a broken symbolic link and a FIFO are
        // unreadable for anyone; chmod 000 is checked too when not running as root.
        write("good.txt", "readable");
        Files.createSymbolicLink(root.resolve("dangling.txt"), root.resolve("does-not-exist.txt"));
        Files.createDirectories(root.resolve("folder.txt")); // a directory named like a file: walked, not a file
        write("folder.txt/inner.txt", "inside");
        Files.createSymbolicLink(root.resolve("link-to-good.txt"), root.resolve("good.txt"));
        Files.createDirectories(root.resolve("real-dir"));
        write("real-dir/x.txt", "x");
        Files.createSymbolicLink(root.resolve("dir-link"), root.resolve("real-dir")); // not followed
        boolean fifo = mkfifo(root.resolve("pipe.txt"));
        boolean root0 = "root".equals(System.getProperty("user.name"));
        Path locked = write("locked.txt", "secret");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            LoadReport r = FolderLoader.of(root).load();
            assertThat(r.documents()).extracting(Document::id).contains("good.txt", "folder.txt/inner.txt",
                    "link-to-good.txt", "real-dir/x.txt").doesNotContain("dir-link/x.txt");
            Map<String, String> why = r.skipped().stream().collect(Collectors.toMap(SkippedFile::path, SkippedFile::reason));
            assertThat(why).containsEntry("dangling.txt", "broken symbolic link");
            if (fifo) {
                assertThat(why).containsEntry("pipe.txt", "not a regular file");
            }
            if (!root0) {
                assertThat(why.get("locked.txt")).isEqualTo("unreadable: permission denied");
            }
            assertThat(r.filesSkipped()).isEqualTo(1 + (fifo ? 1 : 0) + (root0 ? 0 : 1));
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-------"));
        }
    }

    static boolean mkfifo(Path p) {
        try {
            Process proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
            return proc.waitFor() == 0 && Files.exists(p);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void globsIncludeAndExclude() throws Exception {
        write("README.md", "# Readme");
        write("docs/a.md", "# A");
        write("docs/deep/b.md", "# B");
        write("docs/c.txt", "c");
        write("drafts/d.md", "# D");
        write("drafts/sub/e.md", "# E");
        write("notes.rst", "Restructured text is read as text.");
        write("data.csv", "a,b");
        write(".hidden/h.md", "# H");
        write("docs/.secret.md", "# S");

        assertThat(ids(FolderLoader.of(root).load())).containsExactly("README.md", "docs/a.md", "docs/c.txt",
                "docs/deep/b.md", "drafts/d.md", "drafts/sub/e.md");
        assertThat(ids(FolderLoader.builder(root).include("**/*.md").build().load()))
                .containsExactly("README.md", "docs/a.md", "docs/deep/b.md", "drafts/d.md", "drafts/sub/e.md");
        assertThat(ids(FolderLoader.builder(root).include("*.md").build().load())).containsExactly("README.md");
        assertThat(ids(FolderLoader.builder(root).include("docs/**").build().load()))
                .containsExactly("docs/a.md", "docs/c.txt", "docs/deep/b.md");
        assertThat(ids(FolderLoader.builder(root).include("**/*.md").exclude("drafts/**", "**/deep/*").build().load()))
                .containsExactly("README.md", "docs/a.md");
        assertThat(ids(FolderLoader.builder(root).include("**/*.rst").build().load())).containsExactly("notes.rst");
        assertThat(ids(FolderLoader.builder(root).include("**/*.md").includeHidden(true).build().load()))
                .contains(".hidden/h.md", "docs/.secret.md");
        assertThatThrownBy(() -> FolderLoader.builder(root).include("[unclosed")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad glob");
        assertThatThrownBy(() -> FolderLoader.of(root.resolve("missing")).load()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a directory");
    }

    static List<String> ids(LoadReport r) {
        return r.documents().stream().map(Document::id).toList();
    }

    @Test
    void tooLargeFilesAreSkippedAndEmptyFilesGiveTitleOnlyDocuments() throws Exception {
        write("big.txt", "x".repeat(100));
        write("empty.txt", "");
        LoadReport r = FolderLoader.builder(root).maxFileBytes(50).build().load();
        assertThat(r.skipped()).singleElement().satisfies(s -> {
            assertThat(s.path()).isEqualTo("big.txt");
            assertThat(s.reason()).startsWith("too large");
        });
        assertThat(r.documents()).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo("empty.txt");
            assertThat(d.title()).isEqualTo("empty");
            assertThat(d.text()).isEmpty();
        });
    }

    @Test
    void loadingIsDeterministic() throws Exception {
        for (int i = 0; i < 20; i++) {
            write("d" + (i % 4) + "/f" + i + ".txt", "file " + i);
        }
        assertThat(FolderLoader.of(root).load().documents()).isEqualTo(FolderLoader.of(root).load().documents())
                .extracting(Document::id).isSorted();
    }

    @Test
    void loadsTheSciFactCorpus() {
        Path scifact = Path.of("../../shared/data/beir/scifact");
        if (!Files.isDirectory(scifact)) {
            scifact = Path.of("/work/shared/data/beir/scifact");
        }
        Assumptions.assumeTrue(Files.isRegularFile(scifact.resolve("corpus.jsonl.gz")), "SciFact data not present");
        LoadReport r = FolderLoader.builder(scifact).include("corpus.jsonl.gz").build().load();
        assertThat(r.skippedLines()).isEmpty();
        assertThat(r.documents()).hasSize(5183);
        assertThat(r.loaded().get(0).contentHash())
                .isEqualTo("7062adb7fd2931f40c846cf0215f4b8ba877bac94dc3d334bb9c4d714fb6fc33");
        assertThat(r.documents()).allSatisfy(d -> {
            assertThat(d.title()).isNotBlank();
            assertThat(d.text()).isNotBlank();
        });
    }
}
