package dev.llamakit.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * A synthetic Llama model in GGUF format with random weights, for testing code that runs a local model (such as
 * llama-local's {@code LocalChatModel}) without pretrained weights: llama.cpp loads it, tokenizes with it and
 * generates gibberish with it.
 *
 * <p>The file is GGUF v3, {@code llama} architecture, all tensors F32 and 32-byte aligned, with a SentencePiece
 * vocabulary of 290 tokens ({@code <unk> <s> </s>}, 256 byte-fallback tokens, the letters and a few pieces).
 * The defaults (embedding 64, 2 layers, feed-forward 128, 4 heads, context 256, seed 0) give a file of about 0.5 MB;
 * the same settings always give the same bytes. {@link #write(Path)} streams the weights tensor by tensor, so files
 * of gigabytes need little heap.
 *
 * <pre>{@code
 * Path file = SyntheticGgufModel.builder().build().write(dir.resolve("model.gguf"));
 * }</pre>
 */
public final class SyntheticGgufModel {
    /**
     * A Llama-3-like chat template written with the synthetic vocabulary's own tokens: each message as
     * {@code <|role|>\ncontent</s>}, after {@code <s>}, and {@code <|assistant|>\n} for the generation prompt. The
     * default.
     */
    public static final String LLAMA3_LIKE_TEMPLATE = "{{ bos_token }}{% for message in messages %}"
            + "<|{{ message['role'] }}|>\n{{ message['content'] }}{{ eos_token }}{% endfor %}"
            + "{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

    private static final int ALIGNMENT = 32;
    private static final int U32 = 4, I32 = 5, F32 = 6, STRING = 8, ARRAY = 9;
    private static final int BUFFER_BYTES = 1 << 20;

    private static final List<String> TOKENS = vocabulary();
    /** The index of the first SentencePiece piece, after the 3 special and the 256 byte tokens. */
    private static final int FIRST_PIECE = 259;

    private final int embeddingLength;
    private final int layerCount;
    private final int feedForwardLength;
    private final int headCount;
    private final int contextLength;
    private final String chatTemplate;
    private final String name;
    private final long seed;

    private SyntheticGgufModel(Builder b) {
        this.embeddingLength = b.embeddingLength;
        this.layerCount = b.layerCount;
        this.feedForwardLength = b.feedForwardLength;
        this.headCount = b.headCount;
        this.contextLength = b.contextLength;
        this.chatTemplate = b.chatTemplate;
        this.name = b.name;
        this.seed = b.seed;
    }

    /** A builder with the defaults of the tiny test model (about 0.5 MB). */
    public static Builder builder() {
        return new Builder();
    }

    /** The size in bytes of the file {@link #write(Path)} writes. */
    public long fileSize() {
        long size = alignedLength(header().length);
        for (Tensor t : tensors()) {
            size += alignedLength(t.bytes());
        }
        return size;
    }

    /**
     * Writes the model to {@code file} (replacing it), streaming the weights, and returns {@code file}. A file left
     * half-written by a failure is deleted.
     */
    public Path write(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            byte[] header = header();
            writeFully(channel, ByteBuffer.wrap(header));
            writeFully(channel, ByteBuffer.allocate(padding(header.length)));
            Random random = new Random(seed);
            for (Tensor t : tensors()) {
                for (long i = t.elements(); i > 0; i--) {
                    if (!buffer.hasRemaining()) {
                        flush(channel, buffer);
                    }
                    buffer.putFloat(t.ones() ? 1f : (float) (random.nextGaussian() * 0.05));
                }
                for (int p = padding(t.bytes()); p > 0; p--) {
                    if (!buffer.hasRemaining()) {
                        flush(channel, buffer);
                    }
                    buffer.put((byte) 0);
                }
            }
            flush(channel, buffer);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return file;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SyntheticGgufModel[%s: embedding %d, %d layers, feed-forward %d, %d heads,"
                + " context %d, %s, seed %d, %d bytes]", name, embeddingLength, layerCount, feedForwardLength, headCount,
                contextLength, chatTemplate == null ? "no chat template" : "chat template", seed, fileSize());
    }

    private record Tensor(String name, boolean ones, long... dims) {
        long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        long bytes() {
            return elements() * Float.BYTES;
        }
    }

    /** GGML dimensions, innermost first; norms are ones, everything else N(0, 0.05²). */
    private List<Tensor> tensors() {
        long e = embeddingLength;
        long ff = feedForwardLength;
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(new Tensor("token_embd.weight", false, e, TOKENS.size()));
        tensors.add(new Tensor("output_norm.weight", true, e));
        tensors.add(new Tensor("output.weight", false, e, TOKENS.size()));
        for (int i = 0; i < layerCount; i++) {
            String p = "blk." + i + ".";
            tensors.add(new Tensor(p + "attn_norm.weight", true, e));
            tensors.add(new Tensor(p + "attn_q.weight", false, e, e));
            tensors.add(new Tensor(p + "attn_k.weight", false, e, e));
            tensors.add(new Tensor(p + "attn_v.weight", false, e, e));
            tensors.add(new Tensor(p + "attn_output.weight", false, e, e));
            tensors.add(new Tensor(p + "ffn_norm.weight", true, e));
            tensors.add(new Tensor(p + "ffn_gate.weight", false, e, ff));
            tensors.add(new Tensor(p + "ffn_down.weight", false, ff, e));
            tensors.add(new Tensor(p + "ffn_up.weight", false, e, ff));
        }
        return tensors;
    }

    /** Magic, version, counts, metadata and tensor infos (without the padding after them). */
    private byte[] header() {
        Encoder kv = new Encoder();
        metadata(kv);
        List<Tensor> tensors = tensors();
        Encoder out = new Encoder();
        out.raw("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.i32(3);
        out.u64(tensors.size());
        out.u64(kv.count);
        out.raw(kv.bytes.toByteArray());
        long offset = 0;
        for (Tensor t : tensors) {
            out.str(t.name());
            out.i32(t.dims().length);
            for (long d : t.dims()) {
                out.u64(d);
            }
            out.i32(0); // GGML_TYPE_F32
            out.u64(offset);
            offset += alignedLength(t.bytes());
        }
        return out.bytes.toByteArray();
    }

    /** {@code <unk> <s> </s>}, the 256 byte-fallback tokens, then the SentencePiece pieces. */
    private static List<String> vocabulary() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format(Locale.ROOT, "<0x%02X>", b));
        }
        tokens.add("\u2581");
        for (char c = 'a'; c <= 'z'; c++) {
            tokens.add(String.valueOf(c));
        }
        tokens.addAll(List.of("\u2581hello", "\u2581world", "\u2581the", "\u2581a"));
        return List.copyOf(tokens);
    }

    private void metadata(Encoder kv) {
        kv.string("general.architecture", "llama");
        kv.string("general.name", name);
        kv.u32("llama.context_length", contextLength);
        kv.u32("llama.embedding_length", embeddingLength);
        kv.u32("llama.block_count", layerCount);
        kv.u32("llama.feed_forward_length", feedForwardLength);
        kv.u32("llama.attention.head_count", headCount);
        kv.u32("llama.attention.head_count_kv", headCount);
        kv.u32("llama.rope.dimension_count", embeddingLength / headCount);
        kv.u32("llama.vocab_size", TOKENS.size());
        kv.key("llama.attention.layer_norm_rms_epsilon", F32);
        kv.f32(1e-5f);
        kv.string("tokenizer.ggml.model", "llama");
        kv.array("tokenizer.ggml.tokens", STRING, TOKENS.size());
        TOKENS.forEach(kv::str);
        kv.array("tokenizer.ggml.scores", F32, TOKENS.size()); // 0 for the special and byte tokens, then 0, -1, -2 ...
        for (int i = 0; i < TOKENS.size(); i++) {
            kv.f32(i < FIRST_PIECE ? 0f : (float) -(i - FIRST_PIECE));
        }
        kv.array("tokenizer.ggml.token_type", I32, TOKENS.size()); // unknown, control, control, 256 bytes, normal
        for (int i = 0; i < TOKENS.size(); i++) {
            kv.i32(i == 0 ? 2 : i < 3 ? 3 : i < FIRST_PIECE ? 6 : 1);
        }
        kv.u32("tokenizer.ggml.bos_token_id", 1);
        kv.u32("tokenizer.ggml.eos_token_id", 2);
        kv.u32("tokenizer.ggml.unknown_token_id", 0);
        if (chatTemplate != null) {
            kv.string("tokenizer.chat_template", chatTemplate);
        }
    }

    private static int padding(long length) {
        return (int) ((ALIGNMENT - length % ALIGNMENT) % ALIGNMENT);
    }

    private static long alignedLength(long length) {
        return length + padding(length);
    }

    private static void flush(FileChannel channel, ByteBuffer buffer) throws IOException {
        buffer.flip();
        writeFully(channel, buffer);
        buffer.clear();
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Little-endian GGUF values, and the number of metadata keys written. */
    private static final class Encoder {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        int count;

        void key(String key, int type) {
            count++;
            str(key);
            i32(type);
        }

        void u32(String key, int value) {
            key(key, U32);
            i32(value);
        }

        void string(String key, String value) {
            key(key, STRING);
            str(value);
        }

        void array(String key, int elementType, int length) {
            key(key, ARRAY);
            i32(elementType);
            u64(length);
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            raw(b);
        }

        void i32(int v) {
            bytes.write(scratch.clear().putInt(v).array(), 0, 4);
        }

        void f32(float v) {
            bytes.write(scratch.clear().putFloat(v).array(), 0, 4);
        }

        void u64(long v) {
            bytes.write(scratch.clear().putLong(v).array(), 0, 8);
        }

        void raw(byte[] b) {
            bytes.writeBytes(b);
        }
    }

    /** Settings of a {@link SyntheticGgufModel}; every size must be positive. */
    public static final class Builder {
        private int embeddingLength = 64;
        private int layerCount = 2;
        private int feedForwardLength = 128;
        private int headCount = 4;
        private int contextLength = 256;
        private String chatTemplate = LLAMA3_LIKE_TEMPLATE;
        private String name = "synthetic-test-model";
        private long seed;

        private Builder() {
        }

        /** The width of the hidden state ({@code llama.embedding_length}); default 64. */
        public Builder embeddingLength(int embeddingLength) {
            this.embeddingLength = positive("embeddingLength", embeddingLength);
            return this;
        }

        /** The number of transformer blocks ({@code llama.block_count}); default 2. */
        public Builder layerCount(int layerCount) {
            this.layerCount = positive("layerCount", layerCount);
            return this;
        }

        /** The width of the feed-forward layers ({@code llama.feed_forward_length}); default 128. */
        public Builder feedForwardLength(int feedForwardLength) {
            this.feedForwardLength = positive("feedForwardLength", feedForwardLength);
            return this;
        }

        /** The number of attention heads, also used for the key/value heads; default 4. */
        public Builder headCount(int headCount) {
            this.headCount = positive("headCount", headCount);
            return this;
        }

        /** The training context length written to the metadata ({@code llama.context_length}); default 256. */
        public Builder contextLength(int contextLength) {
            this.contextLength = positive("contextLength", contextLength);
            return this;
        }

        /**
         * The Jinja chat template in the metadata ({@code tokenizer.chat_template}); {@code null} writes none.
         * Default: {@link #LLAMA3_LIKE_TEMPLATE}.
         */
        public Builder chatTemplate(String chatTemplate) {
            this.chatTemplate = chatTemplate;
            return this;
        }

        /** The model name ({@code general.name}); default {@code synthetic-test-model}. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name must not be null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** The seed of the random weights; default 0. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The model.
         *
         * @throws IllegalArgumentException when the embedding length is not a multiple of the head count
         */
        public SyntheticGgufModel build() {
            if (embeddingLength % headCount != 0) {
                throw new IllegalArgumentException("embeddingLength (" + embeddingLength
                        + ") must be divisible by headCount (" + headCount + ")");
            }
            return new SyntheticGgufModel(this);
        }

        private static int positive(String what, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
            return value;
        }
    }
}
