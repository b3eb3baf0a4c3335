package dev.llamakit.embed;

import static dev.llamakit.spi.ServiceFiles.withContextLoader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.spi.ServiceFiles;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link Embedders} registry. Core ships no embedder, so each test lists {@link TestEmbedderProviders} in a
 * services file of a class loader made here and sets it as the context class loader.
 */
class EmbeddersTest {
    private static final String FIXTURES = TestEmbedderProviders.class.getName() + "$";

    @RegisterExtension
    final ServiceFiles services = ServiceFiles.listing(TestEmbedderProviders.class);

    private ClassLoader loaderWith(String... providers) throws IOException {
        return services.loaderWith(EmbedderProvider.class, providers);
    }

    @Test
    void listsAndCreatesByName() throws Exception {
        ClassLoader loader = loaderWith("Hash", "Plain");
        withContextLoader(loader, () -> {
            assertThat(List.copyOf(Embedders.available())).containsExactly("test-hash", "test-plain");
            try (Embedder e = Embedders.create("test-hash", Map.of("dimensions", "4"))) {
                assertThat(e.name()).isEqualTo("test-hash");
                assertThat(e.dimensions()).isEqualTo(4);
                assertThat(e.embed(List.of("a", "b"))).hasSize(2).allSatisfy(v -> assertThat(v).hasSize(4));
                assertThat(e.embedQuery("a")).containsExactly(e.embed(List.of("a")).get(0));
            }
            try (Embedder e = Embedders.create("test-plain", ProviderOptions.EMPTY)) {
                assertThat(e.dimensions()).isEqualTo(8);
            }
            return null;
        });
    }

    @Test
    void unknownNameListsTheEmbeddersThatExist() throws Exception {
        ClassLoader loader = loaderWith("Hash", "Plain");
        withContextLoader(loader, () -> {
            assertThatThrownBy(() -> Embedders.create("minilm", Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no embedder named 'minilm'")
                    .hasMessageContaining("available: test-hash, test-plain");
            return null;
        });
    }

    @Test
    void withoutAnEmbedderModuleTheMessageSaysSo() {
        // core's own class path has no embedder provider
        assertThat(Embedders.available()).isEmpty();
        assertThatThrownBy(() -> Embedders.create("all-minilm-l6-v2-q", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no embedder named 'all-minilm-l6-v2-q'")
                .hasMessageContaining("none (is the module that provides it on the classpath?)");
    }

    @Test
    void unknownOptionIsRejectedBeforeTheProviderRuns() throws Exception {
        ClassLoader loader = loaderWith("Hash", "Plain");
        withContextLoader(loader, () -> {
            int before = TestEmbedderProviders.CREATED.get();
            assertThatThrownBy(() -> Embedders.create("test-hash", Map.of("dimension", "4")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown option [dimension] for 'test-hash'")
                    .hasMessageContaining("it knows: [dimensions]");
            assertThatThrownBy(() -> Embedders.create("test-plain", Map.of("dimensions", "4")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown option [dimensions] for 'test-plain'")
                    .hasMessageContaining("it knows: no options");
            assertThat(TestEmbedderProviders.CREATED.get()).as("embedders made").isEqualTo(before);
            assertThatThrownBy(() -> Embedders.create("test-hash", Map.of("dimensions", "0")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("option 'dimensions' must be at least 1");
            return null;
        });
    }

    @Test
    void duplicateNamesFailNamingBothClasses() throws Exception {
        ClassLoader loader = loaderWith("Hash", "HashAgain", "Plain");
        withContextLoader(loader, () -> {
            assertThatThrownBy(() -> Embedders.create("test-hash", Map.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("two embedder providers are named 'test-hash'")
                    .hasMessageContaining(FIXTURES + "Hash")
                    .hasMessageContaining(FIXTURES + "HashAgain");
            try (Embedder e = Embedders.create("test-plain", Map.of())) {
                assertThat(e.name()).isEqualTo("test-plain");
            }
            return null;
        });
    }

    @Test
    void nullsAreRejected() {
        assertThatThrownBy(() -> Embedders.create(null, Map.of())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Embedders.create("x", (Map<String, String>) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Embedders.create("x", (ProviderOptions) null)).isInstanceOf(NullPointerException.class);
    }
}
