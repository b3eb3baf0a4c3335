package dev.llamakit.local;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.args.LogFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads java-llama.cpp's native library once, quietly: into a directory of this process's own (not a file in
 * {@code /tmp} shared by every JVM, which java-llama.cpp would overwrite while another process maps it), without its
 * "Extracted ..." line on stdout (which would break {@code --json} output), and with llama.cpp's log lines sent to
 * the slf4j logger {@code dev.llamakit.local.llama.cpp} instead of the console.
 */
final class NativeLibrary {
    private static final String TMPDIR = "de.kherud.llama.tmpdir";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.llamakit.local.llama.cpp");
    private static boolean loaded;

    private NativeLibrary() {
    }

    static synchronized void load() {
        if (loaded) {
            return;
        }
        String configured = System.getProperty(TMPDIR);
        if (configured != null) {
            try {
                Files.createDirectories(Path.of(configured)); // the loader extracts into it but never creates it
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot create {} {}: {}", TMPDIR, configured, e.toString());
            }
        } else {
            try {
                Path dir = Files.createTempDirectory("llamakit-natives");
                dir.toFile().deleteOnExit();
                for (String name : new String[] {"libjllama.so", "libjllama.dylib", "jllama.dll", "ggml-metal.metal"}) {
                    dir.resolve(name).toFile().deleteOnExit();
                }
                System.setProperty(TMPDIR, dir.toString());
            } catch (IOException e) {
                LOG.debug("no private directory for the native library: {}", e.toString());
            }
        }
        // the loader prints on System.out/err while it extracts: hide those lines (this happens once per JVM)
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(quiet);
        System.setErr(quiet);
        try {
            LlamaModel.setLogger(LogFormat.TEXT, (level, line) -> {
                if (level == LogLevel.ERROR) {
                    LOG.warn(line.strip());
                } else {
                    LOG.debug(line.strip());
                }
            });
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        loaded = true;
    }
}
