package dev.llamakit.retrieval.opensearch;

import dev.llamakit.client.error.LlamaException;
import java.util.Objects;

/**
 * A failure of the {@code opensearch} retriever, with a {@link Reason} to act on and, when the cluster answered, the
 * HTTP status. Messages name what was tried (the node URLs, the index, the request) and never hold a password or an
 * API key.
 */
public class OpenSearchRetrieverException extends LlamaException {
    /** What went wrong. */
    public enum Reason {
        /** No node answered: every URL refused the connection or did not connect in time. */
        UNREACHABLE,
        /** A node took longer than the request timeout to answer. */
        TIMEOUT,
        /** The TLS handshake failed (an untrusted certificate, a host name mismatch, plain HTTP on an HTTPS port). */
        TLS,
        /** 401: the credentials are missing or wrong. */
        AUTHENTICATION,
        /** 403: the credentials lack a permission on the index or the cluster. */
        PERMISSION,
        /** 429: the cluster kept rejecting requests as too many, after the retries with backoff. */
        RATE_LIMITED,
        /** The index did not become at least yellow in time (a red index: a primary shard unassigned). */
        CLUSTER_UNHEALTHY,
        /** The existing index cannot serve this retriever (another embedder, dimension, analyzer or layout). */
        MAPPING_CONFLICT,
        /** Some documents of a write failed; see {@link PartialWriteException#failures()}. */
        PARTIAL_FAILURE,
        /** The cluster answered with an error (a 4xx or 5xx not covered above) or an unreadable body. */
        REQUEST_FAILED,
        /** The calling thread was interrupted while waiting; its interrupt flag is set again. */
        INTERRUPTED
    }

    private final Reason reason;
    private final int status;

    /** A failure without an HTTP status or cause. */
    public OpenSearchRetrieverException(Reason reason, String message) {
        this(reason, 0, message, null);
    }

    /** A failure with the cluster's HTTP status (0 when it did not answer) and the cause, if any. */
    public OpenSearchRetrieverException(Reason reason, int status, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.status = status;
    }

    /** What went wrong. */
    public Reason reason() {
        return reason;
    }

    /** The HTTP status the cluster answered with, or 0 when it did not answer. */
    public int status() {
        return status;
    }
}
