package dev.llamakit.local;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The scalar and string metadata of a GGUF file (arrays are skipped), read in Java before llama.cpp sees the
 * file, so that a file that is not GGUF fails with a typed error and the chat template can be checked.
 */
final class GgufMetadata {
    private static final int MAX_STRING = 16 << 20;
    private final Map<String, Object> values;

    private GgufMetadata(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * Reads the metadata of {@code file}.
     *
     * @throws LocalModelException ({@link LocalModelException.Reason#MODEL_FILE}) when the file is missing,
     *     unreadable or not GGUF
     */
    static GgufMetadata read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LocalModelException(LocalModelException.Reason.MODEL_FILE, "no model file at " + file);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            LittleEndian r = new LittleEndian(in);
            if (r.u32() != 0x46554747) { // "GGUF"
                throw corrupt(file, "it does not start with the GGUF magic");
            }
            long version = r.u32();
            if (version < 2 || version > 3) {
                throw corrupt(file, "GGUF version " + version + " is not supported");
            }
            r.u64(); // tensor count
            long count = r.u64();
            if (count < 0 || count > 1_000_000) {
                throw corrupt(file, "implausible metadata count " + count);
            }
            Map<String, Object> values = new HashMap<>();
            for (long i = 0; i < count; i++) {
                String key = r.string();
                int type = (int) r.u32();
                Object value = r.value(type, file);
                if (value != null) {
                    values.put(key, value);
                }
            }
            return new GgufMetadata(values);
        } catch (EOFException e) {
            throw corrupt(file, "it ends inside its header");
        } catch (IOException e) {
            throw new LocalModelException(LocalModelException.Reason.MODEL_FILE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A string value. */
    Optional<String> string(String key) {
        return values.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** An integer value (any integer type). */
    OptionalLong integer(String key) {
        return values.get(key) instanceof Long l ? OptionalLong.of(l) : OptionalLong.empty();
    }

    /** A boolean value. */
    Optional<Boolean> bool(String key) {
        return values.get(key) instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    /** {@code general.name}, when present. */
    Optional<String> name() {
        return string("general.name");
    }

    /** {@code tokenizer.chat_template}, when present. */
    Optional<String> chatTemplate() {
        return string("tokenizer.chat_template").filter(t -> !t.isBlank());
    }

    /**
     * Whether llama.cpp puts a begin-of-text token before every prompt: {@code tokenizer.ggml.add_bos_token} when the
     * file has it, else llama.cpp's default for the tokenizer (yes for SentencePiece and WordPiece vocabularies).
     */
    boolean addsBosToken() {
        return bool("tokenizer.ggml.add_bos_token")
                .orElseGet(() -> string("tokenizer.ggml.model").map(m -> m.equals("llama") || m.equals("bert")).orElse(false));
    }

    /** The training context length ({@code <architecture>.context_length}), when present. */
    OptionalLong contextLength() {
        return string("general.architecture").map(a -> integer(a + ".context_length")).orElse(OptionalLong.empty());
    }

    private static LocalModelException corrupt(Path file, String why) {
        return new LocalModelException(LocalModelException.Reason.MODEL_FILE, file + " is not a GGUF model file: " + why);
    }

    private static final class LittleEndian {
        private final DataInputStream in;

        LittleEndian(InputStream in) {
            this.in = new DataInputStream(in);
        }

        long u32() throws IOException {
            return Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
        }

        long u64() throws IOException {
            return Long.reverseBytes(in.readLong());
        }

        String string() throws IOException {
            long n = u64();
            if (n < 0 || n > MAX_STRING) {
                throw new IOException("implausible string length " + n);
            }
            return new String(in.readNBytes((int) n), StandardCharsets.UTF_8);
        }

        /** Reads a value of GGUF type {@code type}; arrays are skipped (null). */
        Object value(int type, Path file) throws IOException {
            switch (type) {
                case 0: return (long) in.readUnsignedByte();
                case 1: return (long) in.readByte();
                case 2: return (long) Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
                case 3: return (long) Short.reverseBytes(in.readShort());
                case 4: return u32();
                case 5: return (long) Integer.reverseBytes(in.readInt());
                case 6: return (double) Float.intBitsToFloat(Integer.reverseBytes(in.readInt()));
                case 7: return in.readUnsignedByte() != 0;
                case 8: return string();
                case 9: {
                    int itemType = (int) u32();
                    long n = u64();
                    if (n < 0 || n > 100_000_000) {
                        throw corrupt(file, "implausible array length " + n);
                    }
                    for (long i = 0; i < n; i++) {
                        value(itemType, file);
                    }
                    return null;
                }
                case 10: return u64();
                case 11: return u64();
                case 12: return Double.longBitsToDouble(u64());
                default: throw corrupt(file, "unknown metadata type " + type);
            }
        }
    }
}
