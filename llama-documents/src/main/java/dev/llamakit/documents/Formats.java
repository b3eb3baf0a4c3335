package dev.llamakit.documents;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Node;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.text.LineBreakRendering;
import org.commonmark.renderer.text.TextContentNodeRendererContext;
import org.commonmark.renderer.text.TextContentRenderer;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/** File formats: detection by name, decoding, and text extraction for Markdown and HTML. Internal. */
final class Formats {
    private Formats() {
    }

    enum Format {
        TEXT, MARKDOWN, HTML, JSONL, JSONL_GZ
    }

    /** The format of a file name (case-insensitive); any other extension is read as plain text. */
    static Format of(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jsonl.gz")) {
            return Format.JSONL_GZ;
        }
        if (n.endsWith(".jsonl")) {
            return Format.JSONL;
        }
        if (n.endsWith(".md") || n.endsWith(".markdown")) {
            return Format.MARKDOWN;
        }
        if (n.endsWith(".html") || n.endsWith(".htm")) {
            return Format.HTML;
        }
        return Format.TEXT;
    }

    /** The extension for metadata, lower case, without the dot ({@code jsonl.gz} for gzipped jsonl; "" for none). */
    static String extension(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jsonl.gz")) {
            return "jsonl.gz";
        }
        int dot = n.lastIndexOf('.');
        return dot <= 0 ? "" : n.substring(dot + 1);
    }

    /** The file name without its extension ({@code install-guide.md} → {@code install-guide}), the fallback title. */
    static String baseName(String fileName) {
        String n = fileName;
        if (n.toLowerCase(Locale.ROOT).endsWith(".jsonl.gz")) {
            n = n.substring(0, n.length() - ".jsonl.gz".length());
        } else {
            int dot = n.lastIndexOf('.');
            if (dot > 0) {
                n = n.substring(0, dot);
            }
        }
        return n.isBlank() ? fileName : n;
    }

    /** The index of the first NUL byte, or -1. */
    static int firstNul(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Strict UTF-8, or null when the bytes are not valid UTF-8. */
    static String strictUtf8(byte[] bytes, int off, int len) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return d.decode(ByteBuffer.wrap(bytes, off, len)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A title and a text extracted from a file. */
    record Extracted(String title, String text) {
    }

    // ---- Markdown

    private static final Parser MARKDOWN = Parser.builder().build();
    private static final TextContentRenderer MARKDOWN_TEXT = TextContentRenderer.builder()
            .lineBreakRendering(LineBreakRendering.SEPARATE_BLOCKS).nodeRendererFactory(RawHtmlAsText::new).build();

    /**
     * Raw HTML inside Markdown: an HTML block becomes its text (jsoup) as a block of its own, an inline tag
     * ({@code <b>}, {@code <br>}) disappears (the text around it stays). commonmark alone would copy the tags.
     */
    private static final class RawHtmlAsText implements NodeRenderer {
        private final TextContentNodeRendererContext context;

        RawHtmlAsText(TextContentNodeRendererContext context) {
            this.context = context;
        }

        @Override
        public Set<Class<? extends Node>> getNodeTypes() {
            return Set.of(HtmlBlock.class, HtmlInline.class);
        }

        @Override
        public void render(Node node) {
            if (node instanceof HtmlBlock block) {
                org.jsoup.nodes.Document html = org.jsoup.Jsoup.parseBodyFragment(block.getLiteral());
                html.select(DROPPED).remove();
                String text = html.body().text().strip();
                if (!text.isEmpty()) {
                    context.getWriter().write(text);
                    context.getWriter().block();
                }
            }
        }
    }
    private static final Pattern FRONT_MATTER_TITLE = Pattern.compile("(?m)^title:[ \\t]*(.*?)[ \\t]*$");

    /**
     * Markdown rendered to plain text by commonmark ({@link TextContentRenderer}, blocks separated by blank lines);
     * the title is a YAML front matter {@code title:}, else the first heading's text, else {@code fallbackTitle}.
     * Front matter (a leading block between {@code ---} lines) is not part of the text.
     */
    static Extracted markdown(String source, String fallbackTitle) {
        String title = null;
        String body = source;
        if (source.startsWith("---\n") || source.startsWith("---\r\n")) {
            Matcher end = Pattern.compile("(?m)^(---|\\.\\.\\.)[ \\t]*$").matcher(source);
            if (end.find(3)) {
                String front = source.substring(source.indexOf('\n') + 1, end.start());
                Matcher t = FRONT_MATTER_TITLE.matcher(front);
                if (t.find()) {
                    title = unquote(t.group(1));
                }
                int after = end.end();
                body = source.substring(Math.min(source.length(), after));
            }
        }
        Node doc = MARKDOWN.parse(body);
        if (title == null || title.isBlank()) {
            for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
                if (n instanceof Heading h) {
                    title = plainText(h).strip();
                    if (!title.isEmpty()) {
                        break;
                    }
                }
            }
        }
        String text = MARKDOWN_TEXT.render(doc).strip();
        return new Extracted(title == null || title.isBlank() ? fallbackTitle : title, text);
    }

    /** The literal text inside a node (text, code spans; line breaks as spaces). */
    private static String plainText(Node node) {
        StringBuilder sb = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text text) {
                sb.append(text.getLiteral());
            }

            @Override
            public void visit(Code code) {
                sb.append(code.getLiteral());
            }

            @Override
            public void visit(SoftLineBreak softLineBreak) {
                sb.append(' ');
            }

            @Override
            public void visit(HardLineBreak hardLineBreak) {
                sb.append(' ');
            }
        });
        return sb.toString().replaceAll("\\s+", " ");
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    // ---- HTML

    private static final String DROPPED = "script, style, noscript, template, svg, canvas, iframe, object, embed";
    private static final Set<String> PARAGRAPHS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
            "table", "ul", "ol", "dl", "figure", "section", "article", "header", "footer", "aside", "nav", "main", "hr");

    /**
     * HTML parsed by jsoup (the charset from a byte-order mark (UTF-16 ones included) or {@code <meta charset>}, UTF-8 otherwise): the title
     * is {@code <title>}, else the first {@code <h1>}, else {@code fallbackTitle}; the text is the body's, without
     * scripts, styles and other non-text elements, with block elements on their own lines and paragraphs separated
     * by blank lines.
     */
    static Extracted html(byte[] bytes, String baseUri, String fallbackTitle) throws IOException {
        boolean utf16 = bytes.length >= 2 && ((bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE)
                || (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF));
        int nul = utf16 ? -1 : firstNul(bytes);
        if (nul >= 0) {
            throw new NotTextException("binary content (NUL byte at offset " + nul + ")");
        }
        org.jsoup.nodes.Document doc = utf16 ? org.jsoup.Jsoup.parse(TextDecoding.decode(bytes), baseUri)
                : org.jsoup.Jsoup.parse(new ByteArrayInputStream(bytes), null, baseUri);
        doc.select(DROPPED).remove();
        String title = doc.title().strip();
        if (title.isEmpty()) {
            Element h1 = doc.selectFirst("h1");
            title = h1 == null ? "" : h1.text().strip();
        }
        Element body = doc.body();
        StringBuilder out = new StringBuilder();
        new BlockText(out).traverse(body);
        return new Extracted(title.isEmpty() ? fallbackTitle : title, tidy(out));
    }

    /** Collects text, breaking lines around block elements. */
    private static final class BlockText implements NodeVisitor {
        private final StringBuilder out;
        private int pre;

        BlockText(StringBuilder out) {
            this.out = out;
        }

        @Override
        public void head(org.jsoup.nodes.Node node, int depth) {
            if (node instanceof TextNode t) {
                if (pre > 0) {
                    out.append(t.getWholeText());
                } else {
                    String s = t.getWholeText().replaceAll("\\s+", " ");
                    if (s.startsWith(" ") && (out.length() == 0 || Character.isWhitespace(out.charAt(out.length() - 1)))) {
                        s = s.substring(1);
                    }
                    out.append(s);
                }
            } else if (node instanceof Element e) {
                String tag = e.normalName();
                if (tag.equals("pre")) {
                    pre++;
                }
                if (tag.equals("br")) {
                    out.append('\n');
                } else if (PARAGRAPHS.contains(tag)) {
                    out.append("\n\n");
                } else if (e.isBlock()) {
                    out.append('\n');
                } else if (tag.equals("td") || tag.equals("th")) {
                    out.append(' ');
                }
            }
        }

        @Override
        public void tail(org.jsoup.nodes.Node node, int depth) {
            if (node instanceof Element e) {
                String tag = e.normalName();
                if (tag.equals("pre")) {
                    pre--;
                }
                if (PARAGRAPHS.contains(tag)) {
                    out.append("\n\n");
                } else if (e.isBlock()) {
                    out.append('\n');
                }
            }
        }
    }

    /** Strips each line's trailing spaces, keeps at most one blank line in a row, trims the whole. */
    private static String tidy(CharSequence raw) {
        String[] lines = raw.toString().split("\n", -1);
        StringBuilder sb = new StringBuilder();
        int blank = 0;
        for (String line : lines) {
            String l = line.stripTrailing();
            if (l.isBlank()) {
                blank++;
                continue;
            }
            if (sb.length() > 0) {
                sb.append(blank > 0 ? "\n\n" : "\n");
            }
            blank = 0;
            sb.append(l.stripLeading());
        }
        return sb.toString();
    }
}
