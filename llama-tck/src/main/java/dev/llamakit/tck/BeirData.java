package dev.llamakit.tck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds a BEIR dataset folder ({@code <name>/} holding {@code corpus.jsonl}, {@code queries.jsonl} and
 * {@code qrels/}) for retrieval-quality tests: the system property {@code llamakit.beir.dir} or the environment
 * variable {@code LLAMAKIT_BEIR_DIR} (a folder holding {@code <name>/}) win; otherwise the folders above the working
 * directory (a module, under Maven) are searched for {@code shared/data/beir/<name>}. Tests skip, or fail when told
 * to, when it is absent.
 */
public final class BeirData {
    /** The system property naming a folder that holds the datasets. */
    public static final String PROPERTY = "llamakit.beir.dir";
    /** The environment variable naming a folder that holds the datasets (the property wins). */
    public static final String ENVIRONMENT = "LLAMAKIT_BEIR_DIR";

    private BeirData() {
    }

    /** The folder of dataset {@code name} (for example {@code scifact}), absolute, or empty when not found. */
    public static Optional<Path> find(String name) {
        return find(name, System.getProperty(PROPERTY, System.getenv(ENVIRONMENT)), Path.of("").toAbsolutePath());
    }

    static Optional<Path> find(String name, String configured, Path start) {
        Objects.requireNonNull(name, "name");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured).resolve(name);
            return Files.isDirectory(p) ? Optional.of(p.toAbsolutePath().normalize()) : Optional.empty();
        }
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared").resolve("data").resolve("beir").resolve(name);
            if (Files.isDirectory(p)) {
                return Optional.of(p.normalize());
            }
        }
        return Optional.empty();
    }

    /** Where {@link #find(String)} looked, and how to point it elsewhere: for the message of a skipped test. */
    public static String whereLooked(String name) {
        return "looked for shared/data/beir/" + name + " in the folders above " + Path.of("").toAbsolutePath()
                + " (set -D" + PROPERTY + " or " + ENVIRONMENT + " to a folder holding " + name + "/)";
    }
}
