package dev.llamakit.apps.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the text a command works on, refusing what is not text. */
final class Inputs {
    private Inputs() {
    }

    /**
     * The UTF-8 text of {@code file}, or of standard input for {@code -}.
     *
     * @throws CliException (input error) for a missing file, a folder, an empty or blank text, or binary content
     */
    static String readText(String file, CliContext ctx) {
        String name = file == null || file.equals("-") ? "standard input" : file;
        byte[] bytes;
        try {
            if (file == null || file.equals("-")) {
                bytes = ctx.in().readAllBytes();
            } else {
                Path path = Path.of(file);
                if (!Files.exists(path)) {
                    throw CliException.input("no such file: " + file);
                }
                if (Files.isDirectory(path)) {
                    throw CliException.input(file + " is a folder, not a file");
                }
                bytes = Files.readAllBytes(path);
            }
        } catch (IOException e) {
            throw CliException.input("cannot read " + name + ": " + e.getMessage());
        }
        return decode(bytes, name);
    }

    static String decode(byte[] bytes, String name) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw CliException.input(name + " is a binary file (a NUL byte at offset " + i + "), not text");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw CliException.input(name + " is not UTF-8 text (binary?)");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
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
