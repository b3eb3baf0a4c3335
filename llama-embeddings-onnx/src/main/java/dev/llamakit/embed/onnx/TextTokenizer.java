package dev.llamakit.embed.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} loaded through DJL, set to add the special tokens ({@code [CLS]} ...
 * {@code [SEP]}), truncate to the model's maximum length and never pad (batches are padded by {@link TokenBatch}).
 * Thread-safe. Internal.
 */
final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /**
     * Loads the tokenizer from {@code source}, reading it ourselves (so no path is ever resolved against the
     * Hugging Face hub).
     *
     * @throws EmbedderException naming the file when it is missing, unreadable or not a tokenizer
     */
    static TextTokenizer load(Resource source, int maxLength) {
        DjlSettings.apply();
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "padding", "false",
                "truncation", "true",
                "maxLength", Integer.toString(maxLength),
                "modelMaxLength", Integer.toString(maxLength));
        try (InputStream in = source.open("tokenizer")) {
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(in, options), maxLength);
        } catch (EmbedderException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new EmbedderException(source.path(), "the tokenizer " + source.describe()
                    + " is not a Hugging Face tokenizer.json: " + e.getMessage(), e);
        }
    }

    /** The maximum number of tokens of a text, special tokens included. */
    int maxLength() {
        return maxLength;
    }

    /** The token ids and token type ids of {@code text}, special tokens added, truncated to {@link #maxLength()}. */
    Tokens encode(String text) {
        Encoding e = tokenizer.encode(wellFormed(text));
        long[] ids = e.getIds();
        if (ids.length > maxLength) {
            // the tokenizer truncates already; never hand the model more positions than it was set up for
            throw new IllegalStateException("the tokenizer returned " + ids.length + " tokens, more than " + maxLength);
        }
        return new Tokens(ids, e.getTypeIds());
    }

    /**
     * {@code text} with unpaired surrogates replaced by U+FFFD: the native tokenizer needs valid UTF-8, and a lone
     * surrogate has no UTF-8 form.
     */
    static String wellFormed(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** One text's token ids and token type ids, of equal length. */
    record Tokens(long[] ids, long[] typeIds) {
        int length() {
            return ids.length;
        }
    }
}
