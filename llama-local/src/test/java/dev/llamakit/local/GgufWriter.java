package dev.llamakit.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a tiny synthetic GGUF model (about 0.5 MB): GGUF v3, llama architecture, random F32 weights and a small
 * SentencePiece vocabulary (256 byte-fallback tokens plus a few pieces). llama.cpp loads it and generates
 * gibberish with it, which is enough to test the machinery without pretrained weights.
 */
final class GgufWriter {
    /** A Llama-3-like template written with the synthetic vocabulary's own end token. */
    static final String TEMPLATE = "{{ bos_token }}{% for message in messages %}"
            + "<|{{ message['role'] }}|>\n{{ message['content'] }}{{ eos_token }}{% endfor %}"
            + "{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

    private static final int N_EMBD = 64, N_HEAD = 4, N_FF = 128, N_LAYER = 2, N_CTX = 256, ALIGN = 32;
    private static final int U32 = 4, F32 = 6, STRING = 8, ARRAY = 9, I32 = 5;

    private final ByteArrayOutputStream kv = new ByteArrayOutputStream();
    private int kvCount;
    private final List<Object[]> tensors = new ArrayList<>();
    private final Random random = new Random(0);

    private GgufWriter() {
    }

    /** Writes the model with {@code chatTemplate} in its metadata ({@code null}: none). */
    static Path write(Path file, String chatTemplate) throws IOException {
        GgufWriter w = new GgufWriter();
        w.metadata(chatTemplate);
        w.weights();
        Files.write(file, w.bytes());
        return file;
    }

    private void metadata(String chatTemplate) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            scores.add(0f);
            types.add(6);
        }
        List<String> pieces = new ArrayList<>(List.of("\u2581"));
        for (char c = 'a'; c <= 'z'; c++) {
            pieces.add(String.valueOf(c));
        }
        pieces.addAll(List.of("\u2581hello", "\u2581world", "\u2581the", "\u2581a"));
        for (int i = 0; i < pieces.size(); i++) {
            tokens.add(pieces.get(i));
            scores.add((float) -i);
            types.add(1);
        }
        int nVocab = tokens.size();
        string("general.architecture", "llama");
        string("general.name", "synthetic-test-model");
        u32("llama.context_length", N_CTX);
        u32("llama.embedding_length", N_EMBD);
        u32("llama.block_count", N_LAYER);
        u32("llama.feed_forward_length", N_FF);
        u32("llama.attention.head_count", N_HEAD);
        u32("llama.attention.head_count_kv", N_HEAD);
        u32("llama.rope.dimension_count", N_EMBD / N_HEAD);
        u32("llama.vocab_size", nVocab);
        key("llama.attention.layer_norm_rms_epsilon", F32);
        f32(1e-5f);
        string("tokenizer.ggml.model", "llama");
        key("tokenizer.ggml.tokens", ARRAY);
        i32(STRING);
        u64(nVocab);
        tokens.forEach(this::str);
        key("tokenizer.ggml.scores", ARRAY);
        i32(F32);
        u64(nVocab);
        scores.forEach(this::f32);
        key("tokenizer.ggml.token_type", ARRAY);
        i32(I32);
        u64(nVocab);
        types.forEach(this::i32);
        u32("tokenizer.ggml.bos_token_id", 1);
        u32("tokenizer.ggml.eos_token_id", 2);
        u32("tokenizer.ggml.unknown_token_id", 0);
        if (chatTemplate != null) {
            string("tokenizer.chat_template", chatTemplate);
        }
        this.nVocab = nVocab;
    }

    private int nVocab;

    private void weights() {
        tensor("token_embd.weight", false, N_EMBD, nVocab);
        tensor("output_norm.weight", true, N_EMBD);
        tensor("output.weight", false, N_EMBD, nVocab);
        for (int i = 0; i < N_LAYER; i++) {
            String p = "blk." + i + ".";
            tensor(p + "attn_norm.weight", true, N_EMBD);
            tensor(p + "attn_q.weight", false, N_EMBD, N_EMBD);
            tensor(p + "attn_k.weight", false, N_EMBD, N_EMBD);
            tensor(p + "attn_v.weight", false, N_EMBD, N_EMBD);
            tensor(p + "attn_output.weight", false, N_EMBD, N_EMBD);
            tensor(p + "ffn_norm.weight", true, N_EMBD);
            tensor(p + "ffn_gate.weight", false, N_EMBD, N_FF);
            tensor(p + "ffn_down.weight", false, N_FF, N_EMBD);
            tensor(p + "ffn_up.weight", false, N_EMBD, N_FF);
        }
    }

    private void tensor(String name, boolean ones, long... ne) {
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        ByteBuffer data = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            data.putFloat(ones ? 1f : (float) (random.nextGaussian() * 0.05));
        }
        tensors.add(new Object[] {name, ne, data.array()});
    }

    private byte[] bytes() {
        ByteArrayOutputStream infos = new ByteArrayOutputStream();
        long offset = 0;
        for (Object[] t : tensors) {
            long[] ne = (long[]) t[1];
            byte[] data = (byte[]) t[2];
            infos.writeBytes(encode((String) t[0]));
            ByteBuffer b = ByteBuffer.allocate(4 + 8 * ne.length + 12).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(ne.length);
            for (long d : ne) {
                b.putLong(d);
            }
            b.putInt(0).putLong(offset);
            infos.writeBytes(b.array());
            offset += data.length + pad(data.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putInt(3).putLong(tensors.size()).putLong(kvCount).array());
        out.writeBytes(kv.toByteArray());
        out.writeBytes(infos.toByteArray());
        out.writeBytes(new byte[pad(out.size())]);
        for (Object[] t : tensors) {
            byte[] data = (byte[]) t[2];
            out.writeBytes(data);
            out.writeBytes(new byte[pad(data.length)]);
        }
        return out.toByteArray();
    }

    private static int pad(long n) {
        return (int) ((ALIGN - n % ALIGN) % ALIGN);
    }

    private void key(String key, int type) {
        kvCount++;
        str(key);
        i32(type);
    }

    private void u32(String key, int value) {
        key(key, U32);
        i32(value);
    }

    private void string(String key, String value) {
        key(key, STRING);
        str(value);
    }

    private void str(String s) {
        kv.writeBytes(encode(s));
    }

    private static byte[] encode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + b.length).order(ByteOrder.LITTLE_ENDIAN).putLong(b.length).put(b).array();
    }

    private void i32(int v) {
        kv.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private void f32(float v) {
        kv.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
    }

    private void u64(long v) {
        kv.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }
}
