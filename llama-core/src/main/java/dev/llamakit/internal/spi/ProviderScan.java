package dev.llamakit.internal.spi;

import dev.llamakit.spi.NamedProvider;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one {@link ServiceLoader} pass found for one SPI and class loader: the usable providers by name, the names
 * two providers claim, and the providers that failed to load. A provider that fails to load is logged and skipped,
 * so the others stay usable; two providers with the same name make that name unusable (with a message naming both
 * classes) without hiding the rest.
 *
 * <p>A scan holds its providers only weakly and no class strongly, so caching it under its class loader does not
 * keep that loader alive; {@link ProviderCache} keeps each provider reachable from its own class instead.
 * Internal.
 */
public final class ProviderScan<P extends NamedProvider> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.llamakit.spi");

    private final String spiName;
    private final Map<String, WeakReference<P>> byName;
    private final Map<String, List<String>> duplicates;
    private final List<String> failures;

    private ProviderScan(String spiName, Map<String, WeakReference<P>> byName, Map<String, List<String>> duplicates,
            List<String> failures) {
        this.spiName = spiName;
        this.byName = byName;
        this.duplicates = duplicates;
        this.failures = failures;
    }

    /**
     * Scans {@code loader} for providers of {@code type}, passing each new provider through {@code keep} (which
     * returns the instance to use and must keep it reachable for as long as its class is loaded).
     */
    static <P extends NamedProvider> ProviderScan<P> scan(Class<P> type, String spiName, ClassLoader loader,
            UnaryOperator<P> keep) {
        Map<String, P> found = new TreeMap<>();
        Map<String, List<String>> duplicates = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Set<Class<?>> seen = new LinkedHashSet<>();
        Iterator<P> it = ServiceLoader.load(type, loader).iterator();
        while (true) {
            P provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                failures.add(e.getMessage());
                LOG.warn("a {} provider failed to load and is skipped: {}", spiName, e.getMessage(), e);
                continue;
            }
            if (!seen.add(provider.getClass())) {
                continue;
            }
            String name;
            try {
                name = provider.name();
            } catch (RuntimeException e) {
                failures.add(provider.getClass().getName() + ": " + e);
                LOG.warn("{} provider {} failed to report its name and is skipped", spiName, provider.getClass().getName(), e);
                continue;
            }
            P existing = found.get(name);
            if (existing != null || duplicates.containsKey(name)) {
                duplicates.computeIfAbsent(name, n -> new ArrayList<>(List.of(existing.getClass().getName())))
                        .add(provider.getClass().getName());
                LOG.warn("two {} providers are named '{}': {}; that name cannot be used until one is removed",
                        spiName, name, duplicates.get(name));
                continue;
            }
            found.put(name, provider);
        }
        duplicates.keySet().forEach(found::remove);
        Map<String, WeakReference<P>> byName = new TreeMap<>();
        found.forEach((name, provider) -> byName.put(name, new WeakReference<>(keep.apply(provider))));
        return new ProviderScan<>(spiName, byName, duplicates, failures);
    }

    /** Whether the scan found nothing at all (no provider, not even a duplicate name). */
    boolean isEmpty() {
        return byName.isEmpty() && duplicates.isEmpty();
    }

    /** The usable providers by name, sorted by name. */
    public Map<String, P> providers() {
        Map<String, P> providers = new LinkedHashMap<>();
        byName.forEach((name, ref) -> providers.put(name, live(name, ref)));
        return providers;
    }

    /** Every name found, including unusable duplicates, sorted. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>(byName.keySet());
        names.addAll(duplicates.keySet());
        return names;
    }

    /** Load failures, for diagnostics. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * The provider with this name.
     *
     * @throws IllegalArgumentException when no provider has that name (listing those that exist)
     * @throws IllegalStateException when two providers have that name
     */
    public P require(String name) {
        WeakReference<P> provider = byName.get(name);
        if (provider != null) {
            return live(name, provider);
        }
        if (duplicates.containsKey(name)) {
            throw new IllegalStateException("two " + spiName + " providers are named '" + name + "': " + duplicates.get(name)
                    + "; remove one of them from the classpath");
        }
        throw new IllegalArgumentException("no " + spiName + " named '" + name + "'; available: "
                + (byName.isEmpty() ? "none (is the module that provides it on the classpath?)" : String.join(", ", byName.keySet()))
                + (failures.isEmpty() ? "" : " (" + failures.size() + " provider(s) failed to load; see the log)"));
    }

    private P live(String name, WeakReference<P> ref) {
        P provider = ref.get();
        if (provider == null) {
            // cannot happen while the scan is reachable from a live class loader; a stale scan is a bug
            throw new IllegalStateException("the " + spiName + " provider '" + name + "' was unloaded with its class loader");
        }
        return provider;
    }
}
