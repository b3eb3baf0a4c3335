package dev.llamakit.retrieval.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A folder of txt, Markdown and jsonl files changed at random: files added, rewritten and deleted, jsonl lines
 * edited, moved to another file (earlier or later in walk order) and copied (duplicate ids), the odd bad line.
 * Ids come from a small pool, so moves and duplicates are frequent.
 */
final class RandomFolder {
    private static final String[] WORDS = {"river", "stone", "light", "market", "winter", "garden", "signal", "paper",
        "silver", "engine", "forest", "letter", "island", "window", "harbor", "bridge", "planet", "summer"};
    private static final String[] JSONL = {"a.jsonl", "m.jsonl", "z.jsonl", "sub/b.jsonl", "sub/y.jsonl"};
    private static final String[] TEXT = {"c.txt", "n.md", "sub/d.txt", "sub/deeper/e.md", "x.txt"};

    final Path root;
    private final Random random;
    private final int ids;
    private int version;

    RandomFolder(Path root, Random random, int ids) {
        this.root = root;
        this.random = random;
        this.ids = ids;
    }

    /** Applies {@code n} random changes. */
    void mutate(int n) {
        for (int i = 0; i < n; i++) {
            change();
        }
    }

    private void change() {
        version++;
        switch (random.nextInt(8)) {
            case 0 -> writeJsonl(pick(JSONL), randomLines(random.nextInt(7)));
            case 1 -> delete(random.nextBoolean() ? pick(JSONL) : pick(TEXT));
            case 2 -> write(pick(TEXT), (random.nextInt(5) == 0 ? "# Title " + version + "\n\n" : "") + words(6));
            case 3 -> moveLine(false);
            case 4 -> moveLine(true);
            case 5 -> editLine();
            case 6 -> appendLine(pick(JSONL), random.nextInt(15) == 0 ? "{not json" : line(randomId()));
            default -> moveLine(false);
        }
    }

    private void moveLine(boolean copy) {
        String from = pick(JSONL);
        List<String> lines = lines(from);
        if (lines.isEmpty()) {
            appendLine(from, line(randomId()));
            return;
        }
        String line = lines.remove(random.nextInt(lines.size()));
        if (!copy) {
            writeJsonl(from, lines);
        }
        String to = pick(JSONL);
        List<String> target = to.equals(from) && !copy ? lines : lines(to);
        target.add(random.nextInt(target.size() + 1), line);
        writeJsonl(to, target);
    }

    private void editLine() {
        String file = pick(JSONL);
        List<String> lines = lines(file);
        if (lines.isEmpty()) {
            return;
        }
        int i = random.nextInt(lines.size());
        String id = lines.get(i).replaceAll(".*\"_id\":\"([^\"]+)\".*", "$1");
        lines.set(i, line(id.startsWith("{") ? randomId() : id));
        writeJsonl(file, lines);
    }

    private String randomId() {
        return "id" + random.nextInt(ids);
    }

    private List<String> randomLines(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(line(randomId()));
        }
        return out;
    }

    private String line(String id) {
        return "{\"_id\":\"" + id + "\",\"title\":\"T" + version + "\",\"text\":\"" + words(5) + "\"}";
    }

    private String words(int n) {
        StringBuilder b = new StringBuilder("v" + version);
        for (int i = 0; i < n; i++) {
            b.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
        }
        return b.toString();
    }

    private String pick(String[] names) {
        return names[random.nextInt(names.length)];
    }

    private List<String> lines(String rel) {
        Path p = root.resolve(rel);
        if (!Files.exists(p)) {
            return new ArrayList<>();
        }
        try {
            List<String> out = new ArrayList<>(Files.readAllLines(p, StandardCharsets.UTF_8));
            out.removeIf(String::isBlank);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void appendLine(String rel, String line) {
        List<String> lines = lines(rel);
        lines.add(line);
        writeJsonl(rel, lines);
    }

    private void writeJsonl(String rel, List<String> lines) {
        write(rel, lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    }

    private void write(String rel, String text) {
        Path p = root.resolve(rel);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void delete(String rel) {
        try {
            Files.deleteIfExists(root.resolve(rel));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of files now. */
    long files() {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
