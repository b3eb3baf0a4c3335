package dev.llamakit.local;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * java-llama.cpp attaches a native thread to the JVM as a non-daemon thread when a model loads and never detaches
 * it, so a JVM whose model was closed would wait for it forever. Once a model was loaded and every model is closed,
 * this guard watches the non-daemon threads: when none of them runs Java code any more (only such native threads
 * and the launcher's {@code DestroyJavaVM}, which have no Java frames, remain), it ends the JVM as the launcher
 * would have: status 1 when the main thread died of an uncaught exception, else 0.
 */
final class NativeThreadGuard {
    private static final Set<Object> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile boolean mainFailed;
    private static boolean started;

    private NativeThreadGuard() {
    }

    /** A model was loaded (or a parked one taken back): it is open until {@link #closed}. */
    static void opened(Object model) {
        OPEN.add(model);
        startWatcher();
    }

    /** The model was closed. */
    static void closed(Object model) {
        OPEN.remove(model);
    }

    private static synchronized void startWatcher() {
        if (started) {
            return;
        }
        started = true;
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            if ("main".equals(thread.getName())) {
                mainFailed = true;
            }
            if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                error.printStackTrace();
            }
        });
        Thread watcher = new Thread(NativeThreadGuard::watch, "llama-local-exit-guard");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            if (OPEN.isEmpty() && onlyNativeThreadsRemain()) {
                System.exit(mainFailed ? 1 : 0);
            }
        }
    }

    private static boolean onlyNativeThreadsRemain() {
        boolean destroying = false;
        for (var entry : Thread.getAllStackTraces().entrySet()) {
            Thread t = entry.getKey();
            if (t.isAlive() && !t.isDaemon()) {
                if (entry.getValue().length > 0) {
                    return false;
                }
                destroying |= "DestroyJavaVM".equals(t.getName());
            }
        }
        return destroying;
    }
}
