package dev.llamakit.retrieval;

import static dev.llamakit.spi.ServiceFiles.withContextLoader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.spi.ServiceFiles;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link Retrievers} registry, over the test providers of {@link TestRetrieverProviders} ({@code test-listing}
 * and {@code test-strict} from this module's test services file; duplicates and failing providers from services
 * files of class loaders made here, set as the context class loader).
 */
class RetrieversTest {
    private static final String FIXTURES = TestRetrieverProviders.class.getName() + "$";

    @RegisterExtension
    final ServiceFiles services = ServiceFiles.listing(TestRetrieverProviders.class);

    private final List<Retriever> made = new ArrayList<>();

    @AfterEach
    void closeRetrievers() {
        made.forEach(Retriever::close);
    }

    private Retriever keep(Retriever r) {
        made.add(r);
        return r;
    }

    private ClassLoader loaderWith(String... providerClasses) throws IOException {
        return services.loaderWith(RetrieverProvider.class, providerClasses);
    }

    @Test
    @DisplayName("lists the providers on the classpath, sorted")
    void listsProviders() {
        assertThat(List.copyOf(Retrievers.available())).contains("test-listing", "test-strict").isSorted();
    }

    @Test
    @DisplayName("creates a retriever by name, handing the provider its options and services")
    void createsByName() {
        Retriever r = keep(Retrievers.create("test-listing", Map.of("greeting", "hi", "size", "3")));
        assertThat(r).isInstanceOf(TestRetrieverProviders.ListRetriever.class);
        assertThat(r.name()).isEqualTo("test-listing");
        assertThat(((TestRetrieverProviders.ListRetriever) r).options().values())
                .containsOnly(Map.entry("greeting", "hi"), Map.entry("size", "3"));

        TokenCounter counter = new EstimatingTokenCounter();
        Retriever withService = keep(Retrievers.create("test-strict",
                ProviderOptions.builder().service(TokenCounter.class, counter).build()));
        assertThat(((TestRetrieverProviders.ListRetriever) withService).options().service(TokenCounter.class)).containsSame(counter);

        r.upsert(List.of(Document.of("d1", "Llamas hum."), Document.of("d2", "Alpacas spit.")));
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.retrieve("llamas", 5)).extracting(h -> h.chunk().documentId()).containsExactly("d1");
    }

    @Test
    @DisplayName("each create makes a new retriever")
    void createsFreshInstances() {
        Retriever a = keep(Retrievers.create("test-strict", Map.of()));
        Retriever b = keep(Retrievers.create("test-strict", ProviderOptions.EMPTY));
        assertThat(a).isNotSameAs(b);
        a.upsert(List.of(Document.of("only-in-a", "text")));
        assertThat(b.count()).isZero();
    }

    @Test
    @DisplayName("an unknown name fails, listing the retrievers that exist")
    void unknownName() {
        assertThatThrownBy(() -> Retrievers.create("bm52", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no retriever named 'bm52'")
                .hasMessageContaining("available: ")
                .hasMessageContaining("test-listing")
                .hasMessageContaining("test-strict");
    }

    @Test
    @DisplayName("an unknown option key fails before the provider runs, naming the key and the keys it knows")
    void unknownOption() {
        int before = TestRetrieverProviders.CREATED.get();
        assertThatThrownBy(() -> Retrievers.create("test-listing", Map.of("greting", "hi")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option [greting] for 'test-listing'")
                .hasMessageContaining("it knows: [greeting, size]");
        assertThatThrownBy(() -> Retrievers.create("test-listing", Map.of("k1", "1", "greeting", "x", "k2", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown options [k1, k2]");
        assertThatThrownBy(() -> Retrievers.create("test-strict", Map.of("size", "3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option [size] for 'test-strict'")
                .hasMessageContaining("it knows: no options");
        assertThat(TestRetrieverProviders.CREATED.get()).as("retrievers made").isEqualTo(before);
    }

    @Test
    @DisplayName("a provider's own option checks fail clearly")
    void badOptionValue() {
        assertThatThrownBy(() -> Retrievers.create("test-listing", Map.of("size", "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'size' must be an integer, got 'many'");
        assertThatThrownBy(() -> Retrievers.create("test-listing", Map.of("size", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'size' must be at least 1");
    }

    @Test
    @DisplayName("null name or options are rejected")
    void nulls() {
        assertThatThrownBy(() -> Retrievers.create(null, Map.of())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Retrievers.create("test-strict", (ProviderOptions) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Retrievers.create("test-strict", (Map<String, String>) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("two providers with one name make that name fail, naming both classes; the others stay usable")
    void duplicatesRejected() throws Exception {
        ClassLoader loader = loaderWith("ListingAgain");
        withContextLoader(loader, () -> {
            assertThat(Retrievers.available()).contains("test-listing", "test-strict");
            assertThatThrownBy(() -> Retrievers.create("test-listing", Map.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("two retriever providers are named 'test-listing'")
                    .hasMessageContaining(FIXTURES + "Listing")
                    .hasMessageContaining(FIXTURES + "ListingAgain");
            assertThat(keep(Retrievers.create("test-strict", Map.of())).name()).isEqualTo("test-strict");
            return null;
        });
        assertThat(keep(Retrievers.create("test-listing", Map.of())).name()).as("outside that class loader").isEqualTo("test-listing");
    }

    @Test
    @DisplayName("a provider that fails to load is skipped; the others work and an unknown name mentions the failure")
    void failingProvidersIsolated() throws Exception {
        ClassLoader loader = loaderWith("Exploding", "dev.llamakit.retrieval.NoSuchProvider");
        withContextLoader(loader, () -> {
            assertThat(Retrievers.available()).contains("test-listing", "test-strict").doesNotContain("test-exploding");
            assertThat(keep(Retrievers.create("test-strict", Map.of())).count()).isZero();
            assertThatThrownBy(() -> Retrievers.create("test-exploding", Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no retriever named 'test-exploding'")
                    .hasMessageContaining("test-listing")
                    .hasMessageContaining("2 provider(s) failed to load");
            return null;
        });
    }
}
