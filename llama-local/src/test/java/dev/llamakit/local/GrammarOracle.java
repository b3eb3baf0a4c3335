package dev.llamakit.local;

import de.kherud.llama.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by {@link GrammarSchemaTest}: converts each schema of a file (one per line) with llama.cpp,
 * printing the line's number first, so that a schema that ends the process is known by the last number printed.
 */
public final class GrammarOracle {
    private GrammarOracle() {
    }

    public static void main(String[] args) throws Exception {
        NativeLibrary.load();
        List<String> schemas = Files.readAllLines(Path.of(args[0]));
        for (int i = 0; i < schemas.size(); i++) {
            System.out.println("converting " + i);
            System.out.flush();
            try {
                LlamaModel.jsonSchemaToGrammar(schemas.get(i));
            } catch (RuntimeException e) {
                System.out.println("refused " + i + ": " + e.getMessage());
            }
        }
        System.out.println("done " + schemas.size());
        System.out.flush();
        System.exit(0); // no model was loaded, but the native library may have started threads
    }
}
