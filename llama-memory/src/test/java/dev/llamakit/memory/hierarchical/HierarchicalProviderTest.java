package dev.llamakit.memory.hierarchical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.running.DigestSummarizer;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.summarize.Summarizer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HierarchicalProviderTest {

    private static MemoryStrategy create(Map<String, String> values) {
        return MemoryStrategies.create("hierarchical", ProviderOptions.builder().service(Summarizer.class, new DigestSummarizer())
                .putAll(values).build());
    }

    @Test
    void createsWithDefaultOrGivenShares() {
        HierarchicalProvider provider = new HierarchicalProvider();
        assertThat(provider.name()).isEqualTo("hierarchical");
        assertThat(provider.description()).isNotBlank();
        assertThat(provider.optionKeys()).containsExactlyInAnyOrder("short-term-share", "recall-share", "summary-share",
                "batch-messages", "batch-max-tokens", "summary-max-tokens", "summary-model", "summary-context-tokens");
        assertThat(((HierarchicalStrategy) create(Map.of())).shares()).isEqualTo(BudgetShares.DEFAULT);
        assertThat(((HierarchicalStrategy) create(Map.of("short-term-share", "0.6", "recall-share", "0.25", "summary-share", "0.15")))
                .shares()).isEqualTo(new BudgetShares(0.6, 0.25, 0.15));
        assertThat(((HierarchicalStrategy) create(Map.of("short-term-share", "0.4", "summary-max-tokens", "100"))).runningSummary()
                .maxTokens()).isEqualTo(100);
    }

    @Test
    void rejectsSharesOutOfRangeOrAddingUpToMoreThanOne() {
        assertThatThrownBy(() -> create(Map.of("recall-share", "0"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option 'recall-share' must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> create(Map.of("summary-share", "1.5"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'summary-share'");
        assertThatThrownBy(() -> create(Map.of("short-term-share", "NaN"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'short-term-share'");
        assertThatThrownBy(() -> create(Map.of("short-term-share", "half"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'short-term-share' must be a number");
        assertThatThrownBy(() -> create(Map.of("short-term-share", "0.7"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'short-term-share' (0.7)").hasMessageContaining("'recall-share' (0.3)")
                .hasMessageContaining("'summary-share' (0.2)").hasMessageContaining("at most 1");
        assertThatThrownBy(() -> MemoryStrategies.create("hierarchical", Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'hierarchical' needs a summarizer");
    }
}
