package dev.llamakit.retrieval.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.client.Sleeper;
import dev.llamakit.retrieval.opensearch.OpenSearchRetrieverException.Reason;
import dev.llamakit.retrieval.opensearch.PartialWriteException.Failure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes index and delete actions with the {@code _bulk} API: NDJSON in batches (at most {@code batchActions}
 * actions and about {@code maxBytes} each), items that the cluster rejected as retryable (429, 502, 503, 504) sent
 * again after a backoff, {@code maxRetries} times, and every other item failure collected per document.
 */
final class BulkWriter {
    private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);
    private static final Logger log = LoggerFactory.getLogger(BulkWriter.class);

    /** Index {@code source} as {@code id}, or delete {@code id} when {@code source} is null; for {@code documentId}. */
    record Action(String documentId, String id, ObjectNode source) {
        Action {
            Objects.requireNonNull(documentId, "documentId");
            Objects.requireNonNull(id, "id");
        }
    }

    private final ClusterClient client;
    private final String index;
    private final String path;
    private final int batchActions;
    private final long maxBytes;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Sleeper sleeper;

    BulkWriter(ClusterClient client, String index, int batchActions, long maxBytes, int maxRetries,
               Duration initialBackoff, Sleeper sleeper) {
        this.client = client;
        this.index = index;
        this.path = IndexSchema.path(index);
        this.batchActions = batchActions;
        this.maxBytes = maxBytes;
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.sleeper = sleeper;
    }

    /**
     * Sends the actions and makes them visible as {@code refresh} says: one request carries the policy itself;
     * several go with {@code refresh=false} and are followed by one {@code _refresh} of the index (a
     * {@code wait_for} on the last request alone would not cover shards only earlier requests touched).
     *
     * @return document id → the first failure of one of its actions (empty when all were written)
     */
    Map<String, Failure> write(List<Action> actions, RefreshPolicy refresh) {
        Map<String, Failure> failures = new LinkedHashMap<>();
        if (actions.isEmpty()) {
            return failures;
        }
        List<List<String[]>> batches = batches(actions);
        boolean single = batches.size() == 1;
        RefreshPolicy perRequest = single ? refresh : RefreshPolicy.FALSE;
        for (List<String[]> batch : batches) {
            send(batch, perRequest, failures);
        }
        if (!single && refresh != RefreshPolicy.FALSE) {
            ClusterClient.Response r = client.post(path + "/_refresh", null);
            if (!r.ok()) {
                throw new OpenSearchRetrieverException(Reason.REQUEST_FAILED, r.status(),
                        "refreshing index '" + index + "' failed: " + r.error(), null);
            }
        }
        return failures;
    }

    /** Each action as {documentId, NDJSON lines}, grouped into batches. */
    private List<List<String[]>> batches(List<Action> actions) {
        List<List<String[]>> batches = new ArrayList<>();
        List<String[]> current = new ArrayList<>();
        long bytes = 0;
        for (Action a : actions) {
            ObjectNode meta = Json.object();
            meta.putObject(a.source() == null ? "delete" : "index").put("_id", a.id());
            String lines = Json.write(meta) + "\n" + (a.source() == null ? "" : Json.write(a.source()) + "\n");
            long size = lines.length() + 16L;
            if (!current.isEmpty() && (current.size() >= batchActions || bytes + size > maxBytes)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(new String[] {a.documentId(), lines, a.source() == null ? "delete" : "index"});
            bytes += size;
        }
        batches.add(current);
        return batches;
    }

    private void send(List<String[]> batch, RefreshPolicy refresh, Map<String, Failure> failures) {
        List<String[]> pending = batch;
        for (int attempt = 0; ; attempt++) {
            StringBuilder body = new StringBuilder();
            pending.forEach(item -> body.append(item[1]));
            ClusterClient.Response r = client.postNdjson(path + "/_bulk?refresh=" + refresh.optionValue(),
                    body.toString());
            if (!r.ok() || r.json() == null || !r.json().path("items").isArray()) {
                throw new OpenSearchRetrieverException(Reason.REQUEST_FAILED, r.status(), "bulk write of "
                        + pending.size() + " actions into index '" + index + "' failed: " + r.error(), null);
            }
            JsonNode items = r.json().path("items");
            List<String[]> retry = new ArrayList<>();
            Map<String, Failure> retryFailures = new LinkedHashMap<>();
            for (int i = 0; i < pending.size(); i++) {
                String[] action = pending.get(i);
                JsonNode item = items.path(i).path(action[2]);
                int status = item.path("status").asInt(0);
                boolean ok = status >= 200 && status < 300 || ("delete".equals(action[2]) && status == 404);
                if (ok) {
                    continue;
                }
                JsonNode error = item.path("error");
                Failure failure = new Failure(status, error.path("type").asText("http_" + status),
                        abbreviate(error.path("reason").asText(error.isTextual() ? error.asText() : "no reason given")));
                if (RETRYABLE.contains(status) && attempt < maxRetries) {
                    retry.add(action);
                    retryFailures.putIfAbsent(action[0], failure);
                } else {
                    failures.putIfAbsent(action[0], failure);
                }
            }
            if (retry.isEmpty()) {
                return;
            }
            Duration pause = ClusterClient.backoff(initialBackoff, attempt);
            log.debug("{} bulk items into '{}' were rejected as retryable (e.g. {}); retrying in {} ms ({} of {})",
                    retry.size(), index, retryFailures.values().iterator().next(), pause.toMillis(), attempt + 1,
                    maxRetries);
            try {
                sleeper.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OpenSearchRetrieverException(Reason.INTERRUPTED, 0, "bulk write into '" + index
                        + "' was interrupted", e);
            }
            pending = retry;
        }
    }

    private static String abbreviate(String s) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "…";
    }
}
