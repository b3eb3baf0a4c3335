package dev.llamakit.spi;

import dev.llamakit.internal.spi.ProviderCache;

/**
 * The provider scans behind every registry ({@code Retrievers}, {@code Embedders}, {@code Rerankers},
 * {@code MemoryStrategies}, {@code ConversationStores}, {@code TokenCounters}). Each registry scans a class loader
 * once, on first use, and keeps the result for as long as that class loader lives (a class loader that is dropped,
 * such as a redeployed plugin's, is collected with its providers).
 */
public final class Providers {
    private Providers() {
    }

    /**
     * Forgets every scan, so that the next lookup of each registry scans its class loader again: call it after
     * making new providers visible to a class loader that was already scanned (a services file written into a
     * directory on the class path, for example). Provider instances are stateless and reused across scans.
     */
    public static void rescan() {
        ProviderCache.rescan();
    }
}
