package dev.llamakit.spi;

import java.util.Set;

/**
 * The name and option keys of a test provider, for the fixtures of every registry test ({@link RegistryFixtures},
 * {@code TestRetrieverProviders}, {@code TestEmbedderProviders}); subclasses add the SPI and its {@code create}.
 */
public abstract class FixtureProvider implements NamedProvider {
    private final String name;
    private final Set<String> keys;

    /** A provider named {@code name} that accepts the option keys {@code keys}. */
    public FixtureProvider(String name, String... keys) {
        this.name = name;
        this.keys = Set.of(keys);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<String> optionKeys() {
        return keys;
    }
}
