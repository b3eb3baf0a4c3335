package dev.llamakit.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ConversationStore} in memory: fast, and gone when the JVM exits. */
public final class InMemoryConversationStore implements ConversationStore {
    private final Map<String, List<TranscriptEntry>> transcripts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> states = new ConcurrentHashMap<>();

    @Override
    public void append(String conversationId, List<TranscriptEntry> entries) {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(entries, "entries");
        List<TranscriptEntry> list = transcripts.computeIfAbsent(conversationId, id -> new ArrayList<>());
        synchronized (list) {
            long next = list.size();
            for (TranscriptEntry e : entries) {
                if (e.seq() != next) {
                    throw new ConversationConflictException(conversationId, e.seq(), next);
                }
                next++;
            }
            list.addAll(entries);
        }
    }

    @Override
    public long head(String conversationId) {
        List<TranscriptEntry> list = transcripts.get(conversationId);
        if (list == null) {
            return -1;
        }
        synchronized (list) {
            return list.size() - 1L;
        }
    }

    @Override
    public Transcript load(String conversationId) {
        List<TranscriptEntry> list = transcripts.get(conversationId);
        if (list == null) {
            return Transcript.empty();
        }
        synchronized (list) {
            return Transcript.of(list);
        }
    }

    @Override
    public List<TranscriptEntry> loadLast(String conversationId, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        List<TranscriptEntry> list = transcripts.get(conversationId);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list.subList(Math.max(0, list.size() - count), list.size()));
        }
    }

    @Override
    public Optional<String> getState(String conversationId, String key) {
        return Optional.ofNullable(states.getOrDefault(conversationId, Map.of()).get(key));
    }

    @Override
    public void putState(String conversationId, String key, String value) {
        states.computeIfAbsent(conversationId, id -> new ConcurrentHashMap<>()).put(key, value);
    }

    @Override
    public Set<String> conversationIds() {
        return Set.copyOf(transcripts.keySet());
    }
}
