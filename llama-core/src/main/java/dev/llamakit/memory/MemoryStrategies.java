package dev.llamakit.memory;

import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.spi.ProviderOptions;
import java.util.Map;
import java.util.Set;

/**
 * The memory strategies on the classpath, by name: put {@code llama-memory} on the classpath for
 * {@code sliding-window}, {@code selective-retention}, {@code summarization} and {@code hierarchical};
 * {@code full-history} is built in.
 *
 * <pre>{@code
 * MemoryStrategy memory = MemoryStrategies.create("sliding-window", Map.of("max-messages", "10"));
 * }</pre>
 */
public final class MemoryStrategies {
    /** System property naming the default strategy. */
    public static final String DEFAULT_PROPERTY = "llamakit.memory";
    /** Environment variable naming the default strategy (the system property wins). */
    public static final String DEFAULT_ENV = "LLAMAKIT_MEMORY";

    private static final ProviderRegistry<MemoryStrategyProvider, MemoryStrategy> REGISTRY =
            ProviderRegistry.of(MemoryStrategyProvider.class, "memory strategy", MemoryStrategyProvider::create);

    private MemoryStrategies() {
    }

    /** The names of the strategies on the classpath (context class loader, then the library's). */
    public static Set<String> available() {
        return REGISTRY.available();
    }

    /** The names of the strategies visible to {@code loader}. */
    public static Set<String> available(ClassLoader loader) {
        return REGISTRY.scan(loader).names();
    }

    /** Creates the named strategy from string options. */
    public static MemoryStrategy create(String name, Map<String, String> options) {
        return create(name, ProviderOptions.of(options));
    }

    /**
     * Creates the named strategy.
     *
     * @throws IllegalArgumentException for an unknown name (listing the available ones) or unknown option keys
     *     (listing the known ones)
     * @throws IllegalStateException when two providers on the classpath have that name
     */
    public static MemoryStrategy create(String name, ProviderOptions options) {
        return REGISTRY.create(name, options);
    }

    /** As {@link #create(String, ProviderOptions)}, looking only at providers visible to {@code loader}. */
    public static MemoryStrategy create(String name, ProviderOptions options, ClassLoader loader) {
        return REGISTRY.create(name, options, loader);
    }

    /**
     * The default strategy's name: the {@value #DEFAULT_PROPERTY} system property, else the {@value #DEFAULT_ENV}
     * environment variable, else {@code sliding-window} when it is on the classpath, else {@code full-history}.
     */
    public static String defaultName() {
        String chosen = System.getProperty(DEFAULT_PROPERTY);
        if (chosen == null || chosen.isBlank()) {
            chosen = System.getenv(DEFAULT_ENV);
        }
        if (chosen != null && !chosen.isBlank()) {
            return chosen.strip();
        }
        return available().contains("sliding-window") ? "sliding-window" : FullHistoryStrategy.NAME;
    }

    /** Creates the default strategy ({@link #defaultName()}). */
    public static MemoryStrategy createDefault(ProviderOptions options) {
        return create(defaultName(), options);
    }
}
