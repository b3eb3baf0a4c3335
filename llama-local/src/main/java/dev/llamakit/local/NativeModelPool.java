package dev.llamakit.local;

import de.kherud.llama.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Closed models, kept for reuse. java-llama.cpp 4.2.0's {@code close()} gives no memory back (measured: the process
 * grew by the file's size plus about 30 MB with every load and close of the same file), so a closed model's native
 * instance is parked here instead, and a later load of the same, unchanged file with the same settings takes it back:
 * reloading a model does not grow the process. A model of another file or other settings is loaded anew.
 */
final class NativeModelPool {
    /** What makes two loads interchangeable: the file as it is now, and every setting given to llama.cpp. */
    record Key(Path file, long size, long modified, int contextSize, int threads, int gpuLayers, String chatTemplate) {
        static Key of(Path file, int contextSize, int threads, int gpuLayers, String chatTemplate) {
            Path absolute = file.toAbsolutePath().normalize();
            try {
                return new Key(absolute, Files.size(absolute), Files.getLastModifiedTime(absolute).toMillis(),
                        contextSize, threads, gpuLayers, chatTemplate);
            } catch (IOException e) {
                return new Key(absolute, -1, -1, contextSize, threads, gpuLayers, chatTemplate);
            }
        }
    }

    private static final Map<Key, Deque<LlamaModel>> PARKED = new HashMap<>();

    private NativeModelPool() {
    }

    /** A parked model for {@code key}, or a new one from {@code load}. */
    static LlamaModel take(Key key, Supplier<LlamaModel> load) {
        synchronized (PARKED) {
            Deque<LlamaModel> models = PARKED.get(key);
            if (models != null && !models.isEmpty()) {
                return models.pop();
            }
        }
        return load.get();
    }

    /** Keeps a closed model (no request in progress) for the next load of {@code key}. */
    static void park(Key key, LlamaModel model) {
        synchronized (PARKED) {
            PARKED.computeIfAbsent(key, k -> new ArrayDeque<>()).push(model);
        }
    }
}
