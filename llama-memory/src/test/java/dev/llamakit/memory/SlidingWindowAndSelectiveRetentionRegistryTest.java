package dev.llamakit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.memory.selective.SelectiveRetentionStrategy;
import dev.llamakit.memory.window.SlidingWindowStrategy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code sliding-window} and {@code selective-retention} are found through {@link java.util.ServiceLoader}. */
class SlidingWindowAndSelectiveRetentionRegistryTest {

    @Test
    void bothAreOnTheClasspath() {
        assertThat(MemoryStrategies.available()).contains("sliding-window", "selective-retention", "full-history");
        assertThat(MemoryStrategies.available(getClass().getClassLoader())).contains("sliding-window", "selective-retention");
    }

    @Test
    void bothAreCreatedByName() {
        MemoryStrategy window = MemoryStrategies.create("sliding-window", Map.of("max-messages", "6"));
        assertThat(window).isInstanceOf(SlidingWindowStrategy.class);
        assertThat(window.name()).isEqualTo("sliding-window");
        assertThat(((SlidingWindowStrategy) window).maxMessages()).isEqualTo(6);

        MemoryStrategy selective = MemoryStrategies.create("selective-retention", Map.of("recent-messages", "2"));
        assertThat(selective).isInstanceOf(SelectiveRetentionStrategy.class);
        assertThat(selective.name()).isEqualTo("selective-retention");
        assertThat(((SelectiveRetentionStrategy) selective).recentMessages()).isEqualTo(2);
    }

    @Test
    void slidingWindowIsTheDefaultWhenNothingElseIsChosen() {
        String property = System.getProperty(MemoryStrategies.DEFAULT_PROPERTY);
        try {
            System.clearProperty(MemoryStrategies.DEFAULT_PROPERTY);
            org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(MemoryStrategies.DEFAULT_ENV) == null);
            assertThat(MemoryStrategies.defaultName()).isEqualTo("sliding-window");
            System.setProperty(MemoryStrategies.DEFAULT_PROPERTY, "selective-retention");
            assertThat(MemoryStrategies.createDefault(dev.llamakit.spi.ProviderOptions.EMPTY))
                    .isInstanceOf(SelectiveRetentionStrategy.class);
        } finally {
            if (property == null) {
                System.clearProperty(MemoryStrategies.DEFAULT_PROPERTY);
            } else {
                System.setProperty(MemoryStrategies.DEFAULT_PROPERTY, property);
            }
        }
    }
}
