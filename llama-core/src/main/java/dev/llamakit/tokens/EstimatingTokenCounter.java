package dev.llamakit.tokens;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ImagePart;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.chat.UserMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default token counter: a fast estimate that needs no tokenizer files, cached per message, that calibrates
 * itself from the prompt token counts the server reports.
 *
 * <p>The raw estimate of a text is the larger of {@code bytes / 4} (Llama 3's tokenizer averages about four UTF-8
 * bytes per token on English) and its number of words and punctuation marks; a message adds
 * {@value #MESSAGE_OVERHEAD} tokens for the chat template's role header and end marker, its tool calls' names and
 * argument JSON, and {@value #IMAGE_TOKENS} per image. {@link #calibrate} keeps a running ratio between what the
 * server reported and the raw estimate (an exponential moving average, clamped to 0.5–2.0) and scales every count
 * by it.
 */
public final class EstimatingTokenCounter implements TokenCounter {
    /** Tokens of the chat template around one message (role header, end-of-turn marker). */
    public static final int MESSAGE_OVERHEAD = 4;
    /** Tokens assumed per image part (Llama 4 tiles an image into a few hundred tokens). */
    public static final int IMAGE_TOKENS = 576;
    private static final int CACHE_SIZE = 32_768;
    private static final double SMOOTHING = 0.3;

    private final Map<Message, Integer> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Message, Integer> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    private volatile double ratio = 1.0;

    @Override
    public int count(String text) {
        return scale(rawText(text));
    }

    @Override
    public int count(Message message) {
        return scale(raw(message));
    }

    @Override
    public int count(List<? extends Message> messages) {
        long raw = 0;
        for (Message m : messages) {
            raw += raw(m);
        }
        return scale(raw);
    }

    @Override
    public synchronized void calibrate(List<? extends Message> messages, long reportedPromptTokens) {
        long raw = 0;
        for (Message m : messages) {
            raw += raw(m);
        }
        if (raw <= 0 || reportedPromptTokens <= 0) {
            return;
        }
        double observed = Math.max(0.5, Math.min(2.0, (double) reportedPromptTokens / raw));
        ratio = ratio + SMOOTHING * (observed - ratio);
    }

    /** The current calibration ratio (reported / estimated); 1.0 until calibrated. */
    public double ratio() {
        return ratio;
    }

    @Override
    public double calibration() {
        return ratio;
    }

    /** Sets the ratio (clamped to 0.5–2.0); ignored when not a finite positive number. */
    @Override
    public synchronized void restoreCalibration(double ratio) {
        if (Double.isFinite(ratio) && ratio > 0) {
            this.ratio = Math.max(0.5, Math.min(2.0, ratio));
        }
    }

    private int scale(long raw) {
        return (int) Math.min(Integer.MAX_VALUE, Math.round(raw * ratio));
    }

    private int raw(Message message) {
        synchronized (cache) {
            Integer cached = cache.get(message);
            if (cached != null) {
                return cached;
            }
        }
        int tokens = MESSAGE_OVERHEAD + rawText(message.text());
        if (message instanceof AssistantMessage a) {
            for (ToolCall call : a.toolCalls()) {
                tokens += 3 + rawText(call.name()) + rawText(call.arguments()) + rawText(call.id()) / 2;
            }
        } else if (message instanceof ToolMessage t) {
            tokens += 2 + rawText(t.toolCallId()) / 2;
        } else if (message instanceof UserMessage u) {
            tokens += IMAGE_TOKENS * (int) u.parts().stream().filter(ImagePart.class::isInstance).count();
        }
        synchronized (cache) {
            cache.put(message, tokens);
        }
        return tokens;
    }

    /** The raw estimate of a text: max(UTF-8 bytes / 4, words + punctuation marks). */
    static int rawText(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int bytes = 0;
        int pieces = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
            if (Character.isLetterOrDigit(c)) {
                if (!inWord) {
                    pieces++;
                    inWord = true;
                }
            } else {
                inWord = false;
                if (!Character.isWhitespace(c)) {
                    pieces++;
                }
            }
        }
        return Math.max((bytes + 3) / 4, pieces);
    }
}
