package dev.llamakit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.llamakit.spi.ServiceFiles.withContextLoader;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llamakit.internal.spi.ProviderCache;
import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.internal.spi.ProviderScan;
import dev.llamakit.memory.ConversationStoreProvider;
import dev.llamakit.memory.ConversationStores;
import dev.llamakit.memory.FullHistoryStrategy;
import dev.llamakit.memory.InMemoryConversationStore;
import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.MemoryStrategyProvider;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounterProvider;
import dev.llamakit.tokens.TokenCounters;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The provider registries ({@link MemoryStrategies}, {@link TokenCounters}, {@link ConversationStores} over
 * {@link ProviderRegistry}), swapped by class loader: each scenario is a class loader of {@link ServiceFiles} over a
 * temporary directory that holds only a {@code META-INF/services} file naming classes of {@link RegistryFixtures}.
 */
class ProviderRegistryTest {
    @RegisterExtension
    final ServiceFiles services = ServiceFiles.listing(RegistryFixtures.class);

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger spiLogger = (Logger) LoggerFactory.getLogger("dev.llamakit.spi");

    @BeforeEach
    void captureLog() {
        log.start();
        spiLogger.addAppender(log);
    }

    @AfterEach
    void stopCapturing() {
        spiLogger.detachAppender(log);
    }

    ClassLoader loaderWith(Class<?> spi, String... providerClasses) throws IOException {
        return services.loaderWith(spi, providerClasses);
    }

    static Set<String> names(ClassLoader loader, Callable<Set<String>> lookup) throws Exception {
        return withContextLoader(loader, lookup);
    }

    List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void theBuiltInsAreAvailable() {
        assertThat(MemoryStrategies.available()).contains("full-history");
        assertThat(TokenCounters.available()).contains("estimate");
        assertThat(ConversationStores.available()).contains("in-memory");
        assertThat(MemoryStrategies.create("full-history", Map.of())).isInstanceOf(FullHistoryStrategy.class);
        assertThat(TokenCounters.create("estimate", ProviderOptions.EMPTY)).isInstanceOf(EstimatingTokenCounter.class);
        assertThat(ConversationStores.create("in-memory", ProviderOptions.EMPTY)).isInstanceOf(InMemoryConversationStore.class);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void anUnknownNameFailsListingTheAvailableNames() {
        assertThatThrownBy(() -> MemoryStrategies.create("sliding-windw", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no memory strategy named 'sliding-windw'")
                .hasMessageContaining("available: ").hasMessageContaining("full-history");
        assertThatThrownBy(() -> TokenCounters.create("tiktoken", ProviderOptions.EMPTY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no token counter named 'tiktoken'").hasMessageContaining("estimate");
        assertThatThrownBy(() -> ConversationStores.create("redis", ProviderOptions.EMPTY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no conversation store named 'redis'").hasMessageContaining("in-memory");
    }

    @Test
    void aRegistryWithNoProvidersSaysWhereToLook() {
        ProviderScan<RegistryFixtures.Gadget> gadgets = ProviderRegistry.of(RegistryFixtures.Gadget.class, "gadget",
                (gadget, options) -> gadget).scan(getClass().getClassLoader());
        assertThat(gadgets.names()).isEmpty();
        assertThatThrownBy(() -> gadgets.require("any")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no gadget named 'any'").hasMessageContaining("is the module that provides it on the classpath");
    }

    @Test
    void anUnknownOptionKeyFailsListingTheKnownKeys() throws Exception {
        assertThatThrownBy(() -> MemoryStrategies.create("full-history", Map.of("max-messages", "10")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option [max-messages] for 'full-history'; it knows: no options");
        assertThatThrownBy(() -> TokenCounters.create("estimate", ProviderOptions.of(Map.of("ratio", "1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[ratio]").hasMessageContaining("'estimate'");
        assertThatThrownBy(() -> ConversationStores.create("in-memory", ProviderOptions.of(Map.of("directory", "/tmp"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[directory]").hasMessageContaining("'in-memory'");

        ClassLoader loader = loaderWith(MemoryStrategyProvider.class, "Beta");
        assertThatThrownBy(() -> MemoryStrategies.create("beta", ProviderOptions.of(Map.of("siz", "3", "mod", "x")), loader))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown options [mod, siz] for 'beta'; it knows: [mode, size]");
        // known keys reach the provider, which checks their values
        MemoryStrategy beta = MemoryStrategies.create("beta", ProviderOptions.of(Map.of("size", "3")), loader);
        assertThat(beta).isInstanceOfSatisfying(RegistryFixtures.NamedStrategy.class,
                s -> assertThat(s.options().values()).containsEntry("size", "3"));
        assertThatThrownBy(() -> MemoryStrategies.create("beta", ProviderOptions.of(Map.of("size", "many")), loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'size'");
    }

    @Test
    void aDuplicateNameFailsNamingBothClassesWhileTheOtherProvidersWork() throws Exception {
        ClassLoader loader = loaderWith(MemoryStrategyProvider.class, "Alpha", "Beta", "AlphaAgain");
        assertThat(MemoryStrategies.available(loader)).contains("alpha", "beta", "full-history");
        assertThatThrownBy(() -> MemoryStrategies.create("alpha", ProviderOptions.EMPTY, loader))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two memory strategy providers are named 'alpha'")
                .hasMessageContaining(RegistryFixtures.Alpha.class.getName())
                .hasMessageContaining(RegistryFixtures.AlphaAgain.class.getName());
        assertThat(MemoryStrategies.create("beta", ProviderOptions.EMPTY, loader).name()).isEqualTo("beta");
        assertThat(MemoryStrategies.create("full-history", ProviderOptions.EMPTY, loader)).isInstanceOf(FullHistoryStrategy.class);
        assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("'alpha'").contains("AlphaAgain"));
        // a provider that clashes with a built-in makes the built-in's name unusable too
        ClassLoader clash = loaderWith(TokenCounterProvider.class, "OtherEstimate", "Exact");
        withContextLoader(clash, () -> {
            assertThatThrownBy(() -> TokenCounters.create("estimate", ProviderOptions.EMPTY))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(TokenCounters.EstimateProvider.class.getName())
                    .hasMessageContaining(RegistryFixtures.OtherEstimate.class.getName());
            assertThat(TokenCounters.create("exact", ProviderOptions.EMPTY)).isNotNull();
            return null;
        });
        ClassLoader stores = loaderWith(ConversationStoreProvider.class, "OtherInMemory", "Vault");
        withContextLoader(stores, () -> {
            assertThatThrownBy(() -> ConversationStores.create("in-memory", ProviderOptions.EMPTY))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(ConversationStores.InMemoryProvider.class.getName())
                    .hasMessageContaining(RegistryFixtures.OtherInMemory.class.getName());
            assertThat(ConversationStores.available()).contains("in-memory", "vault");
            assertThatThrownBy(() -> ConversationStores.create("vault", ProviderOptions.of(Map.of("paht", "x"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("it knows: [path]");
            assertThat(ConversationStores.create("vault", ProviderOptions.of(Map.of("path", "x")))).isNotNull();
            return null;
        });
    }

    @Test
    void theSameClassListedTwiceIsNotADuplicate() throws Exception {
        ClassLoader loader = loaderWith(MemoryStrategyProvider.class, "Beta", "Beta");
        assertThat(MemoryStrategies.create("beta", ProviderOptions.EMPTY, loader).name()).isEqualTo("beta");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void providersThatFailToLoadAreSkippedAndLoggedWhileTheOthersWork() throws Exception {
        ClassLoader loader = loaderWith(MemoryStrategyProvider.class,
                "dev.llamakit.example.NoSuchProvider", "Exploding", "Beta", "Nameless", "OtherEstimate", "Alpha");
        assertThat(MemoryStrategies.available(loader)).contains("alpha", "beta", "full-history")
                .doesNotContain("exploding", "nameless");
        assertThat(MemoryStrategies.create("alpha", ProviderOptions.EMPTY, loader).name()).isEqualTo("alpha");
        assertThat(MemoryStrategies.create("beta", ProviderOptions.EMPTY, loader).name()).isEqualTo("beta");
        assertThatThrownBy(() -> MemoryStrategies.create("exploding", ProviderOptions.EMPTY, loader))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("available: alpha, beta, full-history")
                .hasMessageContaining("4 provider(s) failed to load; see the log");
        ProviderScan<MemoryStrategyProvider> registry =
                ProviderCache.scan(MemoryStrategyProvider.class, "memory strategy", loader);
        assertThat(registry.failures()).hasSize(4);
        assertThat(String.join("\n", registry.failures()))
                .contains("NoSuchProvider").contains("Exploding").contains("Nameless").contains("OtherEstimate not a subtype");
        assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("failed to load").contains("NoSuchProvider"))
                .anySatisfy(w -> assertThat(w).contains("Exploding"))
                .anySatisfy(w -> assertThat(w).contains("Nameless").contains("failed to report its name"));
    }

    @Test
    void theRegistriesWithoutALoaderUseTheContextClassLoaderAndFallBackToTheLibrarys() throws Exception {
        ClassLoader loader = loaderWith(MemoryStrategyProvider.class, "Beta");
        assertThat(names(loader, () -> MemoryStrategies.available())).contains("beta", "full-history");
        assertThat(MemoryStrategies.available()).doesNotContain("beta");
        // a context loader that sees nothing at all: the library's own providers are still found
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThat(names(empty, () -> MemoryStrategies.available())).contains("full-history");
            assertThat(names(empty, () -> TokenCounters.available())).contains("estimate");
            assertThat(names(empty, () -> ConversationStores.available())).contains("in-memory");
        }
    }

    @Test
    void theDefaultStrategyIsThePropertyThenSlidingWindowWhenPresentThenFullHistory() throws Exception {
        assumeTrue(System.getenv(MemoryStrategies.DEFAULT_ENV) == null, "LLAMAKIT_MEMORY is set in this environment");
        String before = System.getProperty(MemoryStrategies.DEFAULT_PROPERTY);
        try {
            System.clearProperty(MemoryStrategies.DEFAULT_PROPERTY);
            assertThat(MemoryStrategies.defaultName()).isEqualTo("full-history");
            assertThat(MemoryStrategies.createDefault(ProviderOptions.EMPTY)).isInstanceOf(FullHistoryStrategy.class);

            ClassLoader withWindow = loaderWith(MemoryStrategyProvider.class, "FakeSlidingWindow", "Beta");
            assertThat(withContextLoader(withWindow, MemoryStrategies::defaultName)).isEqualTo("sliding-window");

            System.setProperty(MemoryStrategies.DEFAULT_PROPERTY, "  beta ");
            assertThat(MemoryStrategies.defaultName()).isEqualTo("beta");
            MemoryStrategy chosen = withContextLoader(withWindow, () -> MemoryStrategies.createDefault(ProviderOptions.EMPTY));
            assertThat(chosen.name()).isEqualTo("beta");
            // outside that loader "beta" does not exist: the error says what does
            assertThatThrownBy(() -> MemoryStrategies.createDefault(ProviderOptions.EMPTY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'beta'").hasMessageContaining("full-history");

            System.setProperty(MemoryStrategies.DEFAULT_PROPERTY, "   ");
            assertThat(MemoryStrategies.defaultName()).as("a blank property is ignored").isEqualTo("full-history");
        } finally {
            if (before == null) {
                System.clearProperty(MemoryStrategies.DEFAULT_PROPERTY);
            } else {
                System.setProperty(MemoryStrategies.DEFAULT_PROPERTY, before);
            }
        }
    }
}
