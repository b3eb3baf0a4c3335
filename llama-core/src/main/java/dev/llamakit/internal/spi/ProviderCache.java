package dev.llamakit.internal.spi;

import dev.llamakit.spi.NamedProvider;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scans of every SPI, one per class loader, kept so that a class loader (a web application, a plugin) can still
 * be collected once nothing else uses it.
 *
 * <ul>
 *   <li>Per SPI type, a {@link ClassValue} holds a {@link WeakHashMap} from class loader to {@link ProviderScan}.
 *       The scan refers to no class and to its providers only weakly, so the value never keeps its key alive (the
 *       leak of a {@code WeakHashMap} whose values hold classes of their key).</li>
 *   <li>Each provider instance is kept in a {@link ClassValue} of its own class: reachable exactly as long as
 *       its class, hence its class loader, is. One instance per provider class is shared by every scan (providers
 *       are stateless), so {@link #rescan()} does not pile up instances.</li>
 * </ul>
 *
 * <p>{@link #rescan()} makes every later lookup scan again. Internal.
 */
public final class ProviderCache {
    private static final Object LOCK = new Object();
    private static long generation;

    private static final ClassValue<Map<ClassLoader, Cached>> SCANS = new ClassValue<>() {
        @Override
        protected Map<ClassLoader, Cached> computeValue(Class<?> spi) {
            return new WeakHashMap<>();
        }
    };

    private static final ClassValue<AtomicReference<Object>> INSTANCES = new ClassValue<>() {
        @Override
        protected AtomicReference<Object> computeValue(Class<?> providerClass) {
            return new AtomicReference<>();
        }
    };

    private record Cached(long generation, ProviderScan<?> scan) {
    }

    private ProviderCache() {
    }

    /** The providers of {@code type} visible to {@code loader} ({@code null}: the system class loader), scanned once per loader and SPI. */
    @SuppressWarnings("unchecked")
    public static <P extends NamedProvider> ProviderScan<P> scan(Class<P> type, String spiName, ClassLoader loader) {
        // one lock for all SPIs: a provider's constructor may look up another SPI, in this thread, without deadlock
        synchronized (LOCK) {
            Map<ClassLoader, Cached> forType = SCANS.get(type);
            Cached cached = forType.get(loader);
            if (cached == null || cached.generation() != generation) {
                cached = new Cached(generation, ProviderScan.scan(type, spiName, loader, ProviderCache::keep));
                forType.put(loader, cached);
            }
            return (ProviderScan<P>) cached.scan();
        }
    }

    /** Forgets every scan: the next lookup of each SPI scans its class loader again. */
    public static void rescan() {
        synchronized (LOCK) {
            generation++;
        }
    }

    /** The instance to use for this provider's class, kept reachable from that class. */
    @SuppressWarnings("unchecked")
    private static <P> P keep(P provider) {
        AtomicReference<Object> instance = INSTANCES.get(provider.getClass());
        instance.compareAndSet(null, provider);
        return (P) instance.get();
    }
}
