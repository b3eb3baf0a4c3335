package dev.llamakit.memory.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.spi.ProviderOptions;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SlidingWindowProviderTest {
    private final SlidingWindowProvider provider = new SlidingWindowProvider();

    private SlidingWindowStrategy create(Map<String, String> options) {
        return (SlidingWindowStrategy) provider.create(ProviderOptions.of(options));
    }

    @Test
    void namesItselfAndItsOptions() {
        assertThat(provider.name()).isEqualTo("sliding-window");
        assertThat(provider.optionKeys()).containsExactlyInAnyOrder("max-messages", "max-tokens", "start-on-user");
        assertThat(provider.description()).isNotBlank();
    }

    @Test
    void defaultsToTheSeedsLastTenMessages() {
        SlidingWindowStrategy s = create(Map.of());
        assertThat(s.maxMessages()).isEqualTo(10);
        assertThat(s.maxTokens()).isEmpty();
        assertThat(s.startOnUser()).isFalse();
    }

    @Test
    void readsEveryOption() {
        SlidingWindowStrategy s = create(Map.of("max-messages", "6", "max-tokens", " 2000 ", "start-on-user", "TRUE"));
        assertThat(s.maxMessages()).isEqualTo(6);
        assertThat(s.maxTokens()).hasValue(2000);
        assertThat(s.startOnUser()).isTrue();
    }

    @Test
    void aTokenLimitAloneLiftsTheMessageLimit() {
        SlidingWindowStrategy s = create(Map.of("max-tokens", "2000"));
        assertThat(s.maxMessages()).isEqualTo(Integer.MAX_VALUE);
        assertThat(s.maxTokens()).hasValue(2000);
    }

    @ParameterizedTest
    @CsvSource({
        "max-messages, ten, must be an integer",
        "max-messages, 0, at least 1",
        "max-messages, -3, at least 1",
        "max-messages, 2.5, must be an integer",
        "max-tokens, lots, must be an integer",
        "max-tokens, 0, at least 1",
        "start-on-user, yes, true or false"})
    void badValuesAreRejectedNamingTheOption(String key, String value, String problem) {
        assertThatThrownBy(() -> MemoryStrategies.create("sliding-window", Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + key + "'")
                .hasMessageContaining(problem);
    }

    @Test
    void unknownKeysAreRejectedListingTheKnownOnes() {
        assertThatThrownBy(() -> MemoryStrategies.create("sliding-window", Map.of("max-mesages", "4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max-mesages")
                .hasMessageContaining("max-messages")
                .hasMessageContaining("start-on-user");
    }
}
