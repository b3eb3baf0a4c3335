package dev.llamakit.apps.cli;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Creating retrievers by name, with the settings the command line uses. */
final class RetrieverChoice {
    private RetrieverChoice() {
    }

    /** Fails with an input error naming the available retrievers when {@code name} is not one. */
    static void requireKnown(String name) {
        Set<String> available = Retrievers.available();
        if (!available.contains(name)) {
            throw CliException.input("unknown retriever '" + name + "'; available: " + String.join(", ", new java.util.TreeSet<>(available)));
        }
    }

    /** An in-memory retriever over sentence chunks (good passages to answer from). */
    static Retriever inMemory(String name) {
        requireKnown(name);
        return Retrievers.create(name, Map.of("chunking", "sentence"));
    }

    /** The on-disk bm25 index at {@code dir} (created when missing if {@code create}). */
    static Retriever onDisk(Path dir, boolean create) {
        if (!create && !Files.isDirectory(dir)) {
            throw CliException.input("no index at " + dir + ": build one with 'llama rag index DIR --index " + dir
                    + "', or answer from a folder with --docs DIR");
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("index-dir", dir.toString());
        options.put("chunking", "sentence");
        return Retrievers.create("bm25", options);
    }
}
