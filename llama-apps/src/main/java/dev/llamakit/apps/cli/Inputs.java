package dev.llamakit.apps.cli;

import dev.llamakit.documents.NotTextException;
import dev.llamakit.documents.TextDecoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the text a command works on, refusing what is not text. */
final class Inputs {
    private Inputs() {
    }

    /**
     * The text of {@code file}, or of standard input for {@code -}: UTF-8, UTF-16 with a byte-order mark, or Latin-1
     * ({@link TextDecoding}).
     *
     * @throws CliException (input error) for a missing, unreadable or empty file, a folder, or binary content, saying
     *                      which
     */
    static String readText(String file, CliContext ctx) {
        String name = file == null || file.equals("-") ? "standard input" : file;
        byte[] bytes;
        try {
            if (file == null || file.equals("-")) {
                bytes = ctx.in().readAllBytes();
            } else {
                bytes = Files.readAllBytes(existingFile(file));
            }
        } catch (IOException e) {
            throw CliException.input(CliErrors.file(e));
        }
        return decode(bytes, name);
    }

    /** {@code file} as a path, when it names a file that exists (else an input error in words). */
    private static Path existingFile(String file) {
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            throw CliException.input("no such file: " + file);
        }
        if (Files.isDirectory(path)) {
            throw CliException.input(file + " is a folder, not a file");
        }
        return path;
    }

    /**
     * The text of {@code file} (or standard input for {@code -}): whole when it has at most {@code maxBytes} bytes,
     * else as a {@link LongText} stream that the caller closes, holding only what it reads.
     *
     * @throws CliException as {@link #readText}
     */
    static Text readUpTo(String file, CliContext ctx, long maxBytes) {
        boolean stdin = file == null || file.equals("-");
        String name = stdin ? "standard input" : file;
        InputStream in = null;
        try {
            long size = 0;
            if (stdin) {
                in = ctx.in();
            } else {
                Path path = existingFile(file);
                size = Files.size(path);
                in = Files.newInputStream(path);
            }
            byte[] head = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBytes + 1));
            if (head.length <= maxBytes) {
                if (!stdin) {
                    in.close();
                }
                return new Text(decode(head, name), null, head.length);
            }
            return new Text(null, new LongText(head, in, name), size);
        } catch (IOException e) {
            closeQuietly(stdin ? null : in);
            throw CliException.input(CliErrors.file(e));
        } catch (RuntimeException e) {
            closeQuietly(stdin ? null : in);
            throw e;
        }
    }

    /**
     * A text read by {@link #readUpTo}: {@code whole}, or a {@code stream} of about {@code size} bytes (0: unknown).
     */
    record Text(String whole, Reader stream, long size) {
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the error being reported is the one that matters
            }
        }
    }

    static String decode(byte[] bytes, String name) {
        String text;
        try {
            text = TextDecoding.decode(bytes);
        } catch (NotTextException e) {
            throw CliException.input(name + " is not text: " + e.getMessage());
        }
        if (text.isBlank()) {
            throw CliException.input(name + " is empty");
        }
        return text;
    }

    /** An existing folder. */
    static Path folder(String dir, String what) {
        Path path = Path.of(dir);
        if (!Files.exists(path)) {
            throw CliException.input("no such folder: " + dir);
        }
        if (!Files.isDirectory(path)) {
            throw CliException.input(dir + " is not a folder" + (what == null ? "" : " (" + what + ")"));
        }
        return path;
    }
}
