package dev.llamakit.client.observe;

import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.error.LlamaApiException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per chat call through SLF4J (logger {@code dev.llamakit.chat}): model, streaming, duration, time
 * to first token, token usage and stop reason at info; retries at info; failures at warn with the status.
 * Never logs message contents or the API key.
 */
public final class LoggingChatListener implements ChatListener {
    private final Logger log;

    /** Logs to {@code dev.llamakit.chat}. */
    public LoggingChatListener() {
        this(LoggerFactory.getLogger("dev.llamakit.chat"));
    }

    /** Logs to the given logger. */
    public LoggingChatListener(Logger log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void onRetry(ChatCall call, int failedAttempt, Duration wait, String reason) {
        log.info("chat #{} model={} attempt {} failed ({}); retrying in {} ms", call.id(), call.model(), failedAttempt, reason,
                wait.toMillis());
    }

    @Override
    public void onFirstToken(ChatCall call, Duration timeToFirstToken) {
        log.debug("chat #{} model={} first token after {} ms", call.id(), call.model(), timeToFirstToken.toMillis());
    }

    @Override
    public void onResponse(ChatCall call, ChatResponse response, Duration duration) {
        String usage = response.usage().map(u -> u.promptTokens() + "+" + u.completionTokens() + " tokens").orElse("usage unknown");
        log.info("chat #{} model={} stream={} stop={} {} in {} ms", call.id(), call.model(), call.streaming(),
                response.stopReason(), usage, duration.toMillis());
    }

    @Override
    public void onError(ChatCall call, Throwable error, Duration duration) {
        String status = error instanceof LlamaApiException e ? "HTTP " + e.status() : error.getClass().getSimpleName();
        log.warn("chat #{} model={} stream={} failed after {} ms: {} ({})", call.id(), call.model(), call.streaming(),
                duration.toMillis(), status, error.getMessage());
    }
}
