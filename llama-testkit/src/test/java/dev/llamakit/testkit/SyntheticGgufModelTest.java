package dev.llamakit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticGgufModelTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultsWriteTheSameBytesAsTheWriterTheLocalTestsWereWrittenFor() throws Exception {
        // SHA-256 of llama-local's former test fixture GgufWriter (seed 0, 64/2/128/4/256), recorded before it was removed
        assertThat(sha256(SyntheticGgufModel.builder().build().write(dir.resolve("a.gguf"))))
                .isEqualTo("76f5534059af176c133956540f57d86b08593a478c6fffacea1fa87c89154e8a");
        assertThat(sha256(SyntheticGgufModel.builder().chatTemplate(null).build().write(dir.resolve("b.gguf"))))
                .isEqualTo("7ceddb9be4b947c45c54347cd138a10adeef25216d531a3ff8b303a46ba9df6b");
    }

    @Test
    void theHeaderCarriesTheConfiguredShape() throws Exception {
        SyntheticGgufModel model = SyntheticGgufModel.builder().embeddingLength(96).layerCount(3).feedForwardLength(200)
                .headCount(6).contextLength(512).name("tiny").seed(7).build();
        Gguf gguf = Gguf.read(model.write(dir.resolve("m.gguf")));

        assertThat(gguf.version).isEqualTo(3);
        assertThat(gguf.metadata).containsEntry("general.architecture", "llama").containsEntry("general.name", "tiny")
                .containsEntry("llama.embedding_length", 96L).containsEntry("llama.block_count", 3L)
                .containsEntry("llama.feed_forward_length", 200L).containsEntry("llama.attention.head_count", 6L)
                .containsEntry("llama.attention.head_count_kv", 6L).containsEntry("llama.context_length", 512L)
                .containsEntry("llama.rope.dimension_count", 16L).containsEntry("llama.vocab_size", 290L)
                .containsEntry("tokenizer.ggml.model", "llama").containsEntry("tokenizer.ggml.bos_token_id", 1L)
                .containsEntry("tokenizer.ggml.eos_token_id", 2L)
                .containsEntry("tokenizer.chat_template", SyntheticGgufModel.LLAMA3_LIKE_TEMPLATE);
        assertThat(gguf.metadata.get("tokenizer.ggml.tokens")).isEqualTo(290L); // the array's length
        assertThat(gguf.tensors).hasSize(3 + 9 * 3);
        assertThat(gguf.tensors.get(0).name).isEqualTo("token_embd.weight");
        assertThat(gguf.tensors.get(0).dims).containsExactly(96L, 290L);
        assertThat(gguf.tensors).filteredOn(t -> t.name.equals("blk.2.ffn_down.weight")).singleElement()
                .satisfies(t -> assertThat(t.dims).containsExactly(200L, 96L));
    }

    @Test
    void theFileSizeIsTheComputedSizeAndEveryTensorIsAligned() throws Exception {
        for (SyntheticGgufModel model : List.of(SyntheticGgufModel.builder().build(),
                SyntheticGgufModel.builder().embeddingLength(36).headCount(3).feedForwardLength(70).layerCount(1)
                        .chatTemplate(null).build())) {
            Path file = model.write(dir.resolve("m.gguf"));
            assertThat(Files.size(file)).isEqualTo(model.fileSize());

            Gguf gguf = Gguf.read(file);
            assertThat(gguf.dataStart % 32).isZero();
            long end = 0;
            for (TensorInfo t : gguf.tensors) {
                assertThat(t.type).isZero(); // F32
                assertThat(t.offset % 32).as(t.name).isZero();
                assertThat(t.offset).as(t.name).isGreaterThanOrEqualTo(end);
                end = t.offset + t.elements() * 4;
            }
            assertThat(gguf.dataStart + end).isLessThanOrEqualTo(model.fileSize()).isGreaterThan(model.fileSize() - 32);
        }
    }

    @Test
    void theNormsAreOnesAndTheSeedDecidesTheOtherWeights() throws Exception {
        Path a = SyntheticGgufModel.builder().seed(1).build().write(dir.resolve("a.gguf"));
        Path b = SyntheticGgufModel.builder().seed(1).build().write(dir.resolve("b.gguf"));
        Path c = SyntheticGgufModel.builder().seed(2).build().write(dir.resolve("c.gguf"));
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b)).isNotEqualTo(Files.readAllBytes(c));

        Gguf gguf = Gguf.read(a);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(a)).order(ByteOrder.LITTLE_ENDIAN);
        TensorInfo norm = gguf.tensors.get(1);
        assertThat(norm.name).isEqualTo("output_norm.weight");
        for (int i = 0; i < norm.elements(); i++) {
            assertThat(bytes.getFloat((int) (gguf.dataStart + norm.offset) + 4 * i)).isEqualTo(1f);
        }
        float first = bytes.getFloat((int) gguf.dataStart);
        assertThat(first).isNotEqualTo(0f).isBetween(-0.5f, 0.5f);
    }

    @Test
    void writingReplacesAnExistingFile() throws Exception {
        Path file = Files.writeString(dir.resolve("m.gguf"), "x".repeat(1_000_000));
        SyntheticGgufModel model = SyntheticGgufModel.builder().build();
        assertThat(Files.size(model.write(file))).isEqualTo(model.fileSize());
    }

    @Test
    void invalidSettingsAreRejected() {
        SyntheticGgufModel.Builder b = SyntheticGgufModel.builder();
        assertThatThrownBy(() -> b.embeddingLength(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("embeddingLength must be positive: 0");
        assertThatThrownBy(() -> b.layerCount(-1)).hasMessage("layerCount must be positive: -1");
        assertThatThrownBy(() -> b.feedForwardLength(0)).hasMessage("feedForwardLength must be positive: 0");
        assertThatThrownBy(() -> b.headCount(0)).hasMessage("headCount must be positive: 0");
        assertThatThrownBy(() -> b.contextLength(0)).hasMessage("contextLength must be positive: 0");
        assertThatThrownBy(() -> b.name(" ")).isInstanceOf(IllegalArgumentException.class).hasMessage("name must not be blank");
        assertThatThrownBy(() -> b.name(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SyntheticGgufModel.builder().embeddingLength(100).headCount(8).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("embeddingLength (100) must be divisible by headCount (8)");
        assertThatThrownBy(() -> SyntheticGgufModel.builder().build().write(null)).isInstanceOf(NullPointerException.class);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** A minimal GGUF v3 reader: scalar metadata values, array lengths, tensor infos. */
    private static final class Gguf {
        int version;
        final Map<String, Object> metadata = new LinkedHashMap<>();
        final List<TensorInfo> tensors = new ArrayList<>();
        long dataStart;

        static Gguf read(Path file) throws Exception {
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[4];
            in.get(magic);
            assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("GGUF");
            Gguf g = new Gguf();
            g.version = in.getInt();
            long tensorCount = in.getLong();
            long kvCount = in.getLong();
            for (long i = 0; i < kvCount; i++) {
                String key = string(in);
                g.metadata.put(key, value(in, in.getInt()));
            }
            for (long i = 0; i < tensorCount; i++) {
                TensorInfo t = new TensorInfo();
                t.name = string(in);
                int n = in.getInt();
                t.dims = new long[n];
                for (int d = 0; d < n; d++) {
                    t.dims[d] = in.getLong();
                }
                t.type = in.getInt();
                t.offset = in.getLong();
                g.tensors.add(t);
            }
            g.dataStart = (in.position() + 31) / 32 * 32;
            return g;
        }

        private static Object value(ByteBuffer in, int type) {
            switch (type) {
                case 4:
                case 5:
                    return (long) in.getInt();
                case 6:
                    return in.getFloat();
                case 8:
                    return string(in);
                case 9:
                    int elementType = in.getInt();
                    long length = in.getLong();
                    for (long i = 0; i < length; i++) {
                        value(in, elementType);
                    }
                    return length;
                default:
                    throw new AssertionError("unexpected GGUF type " + type);
            }
        }

        private static String string(ByteBuffer in) {
            byte[] b = new byte[(int) in.getLong()];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    private static final class TensorInfo {
        String name;
        long[] dims;
        int type;
        long offset;

        long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }
}
