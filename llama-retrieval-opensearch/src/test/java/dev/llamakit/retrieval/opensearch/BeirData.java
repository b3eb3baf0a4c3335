package dev.llamakit.retrieval.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the shared BEIR data ({@code ../shared/data/beir/<name>} relative to the repository root) for tests: the
 * system property {@code llamakit.beir.dir} or the environment variable {@code LLAMAKIT_BEIR_DIR} (a folder holding
 * {@code <name>/}) win; otherwise the folders above the working directory (the module, under Maven) are searched for
 * {@code shared/data/beir/<name>}. (A copy of {@code llama-retrieval-lucene}'s test helper: test classes are not shared.)
 */
final class BeirData {
    private BeirData() {
    }

    static Optional<Path> find(String name) {
        String configured = System.getProperty("llamakit.beir.dir", System.getenv("LLAMAKIT_BEIR_DIR"));
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured).resolve(name);
            return Files.isDirectory(p) ? Optional.of(p.toAbsolutePath().normalize()) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared").resolve("data").resolve("beir").resolve(name);
            if (Files.isDirectory(p)) {
                return Optional.of(p.normalize());
            }
        }
        return Optional.empty();
    }

    static String whereLooked(String name) {
        return "looked for shared/data/beir/" + name + " in the folders above " + Path.of("").toAbsolutePath()
                + " (set -Dllamakit.beir.dir or LLAMAKIT_BEIR_DIR to a folder holding " + name + "/)";
    }
}
