package dev.llamakit.spi;

import java.util.Set;

/**
 * A provider found through {@link java.util.ServiceLoader}: a stable name to create it by and the option keys
 * it accepts. Providers are stateless and cheap to instantiate; the work happens in {@code create}.
 */
public interface NamedProvider {

    /** The stable name users select this provider by, e.g. {@code sliding-window}. Lower case, dashes. */
    String name();

    /** The option keys {@code create} accepts; any other key is an error. */
    Set<String> optionKeys();

    /** One line saying what the provider does, for listings. */
    default String description() {
        return "";
    }
}
