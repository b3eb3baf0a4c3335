package dev.llamakit.apps.cli;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.spi.ProviderOptions;
import java.util.Set;
import java.util.TreeSet;

/** Creating embedders by name for the command line. */
final class EmbedderChoice {
    /** The default embedder: all-MiniLM-L6-v2, quantized, shipped in a Maven artifact. */
    static final String DEFAULT = "all-minilm-l6-v2-q";

    private EmbedderChoice() {
    }

    /** The embedder {@code name}, or an input error listing the available ones. */
    static Embedder create(String name) {
        Set<String> available = Embedders.available();
        if (!available.contains(name)) {
            throw CliException.input("unknown embedder '" + name + "'; available: "
                    + (available.isEmpty() ? "none (add llama-embeddings-onnx)" : String.join(", ", new TreeSet<>(available))));
        }
        return Embedders.create(name, ProviderOptions.EMPTY);
    }
}
