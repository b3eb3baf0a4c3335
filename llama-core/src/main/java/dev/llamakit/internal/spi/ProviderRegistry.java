package dev.llamakit.internal.spi;

import dev.llamakit.spi.NamedProvider;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers of one SPI found through {@link ServiceLoader}, by name. Loads with the given class loader (or
 * the context class loader, then the library's own); a provider that fails to load is logged and skipped, so
 * the others stay usable; two providers with the same name make that name unusable (with a message naming both
 * classes) without hiding the rest. Internal.
 */
public final class ProviderRegistry<P extends NamedProvider> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.llamakit.spi");

    private final String spiName;
    private final Map<String, P> byName;
    private final Map<String, List<String>> duplicates;
    private final List<String> failures;

    private ProviderRegistry(String spiName, Map<String, P> byName, Map<String, List<String>> duplicates, List<String> failures) {
        this.spiName = spiName;
        this.byName = byName;
        this.duplicates = duplicates;
        this.failures = failures;
    }

    private static final Map<ClassLoader, Map<Class<?>, ProviderRegistry<?>>> CACHE = new java.util.WeakHashMap<>();

    /** The providers of {@code type} visible to {@code loader}; scanned once per class loader and SPI. */
    @SuppressWarnings("unchecked")
    public static <P extends NamedProvider> ProviderRegistry<P> load(Class<P> type, String spiName, ClassLoader loader) {
        synchronized (CACHE) {
            Map<Class<?>, ProviderRegistry<?>> forLoader = CACHE.computeIfAbsent(loader, l -> new java.util.HashMap<>());
            ProviderRegistry<?> cached = forLoader.get(type);
            if (cached == null) {
                cached = scan(type, spiName, loader);
                forLoader.put(type, cached);
            }
            return (ProviderRegistry<P>) cached;
        }
    }

    private static <P extends NamedProvider> ProviderRegistry<P> scan(Class<P> type, String spiName, ClassLoader loader) {
        Map<String, P> byName = new TreeMap<>();
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
            P existing = byName.get(name);
            if (existing != null || duplicates.containsKey(name)) {
                duplicates.computeIfAbsent(name, n -> new ArrayList<>(List.of(existing.getClass().getName())))
                        .add(provider.getClass().getName());
                LOG.warn("two {} providers are named '{}': {}; that name cannot be used until one is removed",
                        spiName, name, duplicates.get(name));
                continue;
            }
            byName.put(name, provider);
        }
        duplicates.keySet().forEach(byName::remove);
        return new ProviderRegistry<>(spiName, byName, duplicates, failures);
    }

    /** Loads with the context class loader, falling back to the library's own when that sees nothing. */
    public static <P extends NamedProvider> ProviderRegistry<P> load(Class<P> type, String spiName) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ProviderRegistry<P> registry = context == null ? null : load(type, spiName, context);
        if (registry == null || registry.byName.isEmpty() && registry.duplicates.isEmpty()) {
            registry = load(type, spiName, type.getClassLoader());
        }
        return registry;
    }

    /** The usable providers by name, sorted by name. */
    public Map<String, P> providers() {
        return new LinkedHashMap<>(byName);
    }

    /** Every name found, including unusable duplicates, sorted. */
    public Set<String> names() {
        Set<String> names = new java.util.TreeSet<>(byName.keySet());
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
        P provider = byName.get(name);
        if (provider != null) {
            return provider;
        }
        if (duplicates.containsKey(name)) {
            throw new IllegalStateException("two " + spiName + " providers are named '" + name + "': " + duplicates.get(name)
                    + "; remove one of them from the classpath");
        }
        throw new IllegalArgumentException("no " + spiName + " named '" + name + "'; available: "
                + (byName.isEmpty() ? "none (is the module that provides it on the classpath?)" : String.join(", ", byName.keySet()))
                + (failures.isEmpty() ? "" : " (" + failures.size() + " provider(s) failed to load; see the log)"));
    }
}
