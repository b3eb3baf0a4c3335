package dev.llamakit.internal.spi;

import dev.llamakit.spi.NamedProvider;
import dev.llamakit.spi.ProviderOptions;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * One SPI's registry: what {@code Retrievers}, {@code Embedders}, {@code Rerankers}, {@code MemoryStrategies},
 * {@code ConversationStores} and {@code TokenCounters} do, written once. Looks in the given class loader, or in the
 * context class loader and then, when that sees no provider at all, in the library's own; an unknown name or option
 * fails with the list of what exists; two providers with one name make that name fail; a provider that fails to load
 * is skipped and logged. Scans are cached per class loader ({@link ProviderCache}). Internal.
 *
 * @param <P> the provider type (the SPI)
 * @param <T> what its providers make
 */
public final class ProviderRegistry<P extends NamedProvider, T> {
    private final Class<P> type;
    private final String spiName;
    private final BiFunction<? super P, ProviderOptions, ? extends T> factory;

    private ProviderRegistry(Class<P> type, String spiName, BiFunction<? super P, ProviderOptions, ? extends T> factory) {
        this.type = Objects.requireNonNull(type, "type");
        this.spiName = Objects.requireNonNull(spiName, "spiName");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * The registry of {@code type}, named {@code spiName} in messages ("no retriever named 'x'"), whose providers
     * make their product with {@code factory} (e.g. {@code RetrieverProvider::create}).
     */
    public static <P extends NamedProvider, T> ProviderRegistry<P, T> of(Class<P> type, String spiName,
            BiFunction<? super P, ProviderOptions, ? extends T> factory) {
        return new ProviderRegistry<>(type, spiName, factory);
    }

    /** The providers seen from the context class loader, or the library's own when the context one sees none. */
    public ProviderScan<P> scan() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ProviderScan<P> scan = context == null ? null : ProviderCache.scan(type, spiName, context);
        if (scan == null || scan.isEmpty()) {
            scan = ProviderCache.scan(type, spiName, type.getClassLoader());
        }
        return scan;
    }

    /** The providers seen from {@code loader} only. */
    public ProviderScan<P> scan(ClassLoader loader) {
        return ProviderCache.scan(type, spiName, Objects.requireNonNull(loader, "loader"));
    }

    /** Every provider name found ({@link #scan()}), sorted, including names two providers claim. */
    public Set<String> available() {
        return scan().names();
    }

    /**
     * The provider named {@code name} ({@link #scan()}).
     *
     * @throws IllegalArgumentException for an unknown name, listing the available ones
     * @throws IllegalStateException when two providers have that name
     */
    public P provider(String name) {
        return scan().require(Objects.requireNonNull(name, "name"));
    }

    /**
     * Creates the product of the provider named {@code name} ({@link #scan()}), after checking that every option
     * key is one the provider knows.
     *
     * @throws IllegalArgumentException for an unknown name (listing the available ones) or unknown option keys
     *     (listing the known ones); or whatever the provider throws for a bad value
     * @throws IllegalStateException when two providers have that name
     */
    public T create(String name, ProviderOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        return create(scan().require(name), name, options);
    }

    /** As {@link #create(String, ProviderOptions)}, looking only at the providers {@code loader} sees. */
    public T create(String name, ProviderOptions options, ClassLoader loader) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        return create(scan(loader).require(name), name, options);
    }

    private T create(P provider, String name, ProviderOptions options) {
        options.requireOnly(name, provider.optionKeys());
        return factory.apply(provider, options);
    }
}
