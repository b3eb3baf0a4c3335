package dev.llamakit.memory.hierarchical;

import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.MemoryStrategyProvider;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.spi.ProviderOptions;
import java.util.HashSet;
import java.util.Set;

/**
 * The provider of {@code hierarchical}. Options (all optional): {@value #SHORT_TERM_SHARE} (0.5),
 * {@value #RECALL_SHARE} (0.3), {@value #SUMMARY_SHARE} (0.2) of the budget after the system message, each in
 * (0, 1] and at most 1 together; and the summary's {@value RunningSummary#BATCH_MESSAGES} (16),
 * {@value RunningSummary#BATCH_MAX_TOKENS} (what {@value RunningSummary#SUMMARY_CONTEXT_TOKENS}, 8192, leaves: 7424), {@value RunningSummary#SUMMARY_MAX_TOKENS} (256),
 * {@value RunningSummary#SUMMARY_MODEL}. Services: a {@link dev.llamakit.summarize.Summarizer}, or a
 * {@link dev.llamakit.client.ChatModel} plus {@code summary-model}.
 */
public final class HierarchicalProvider implements MemoryStrategyProvider {
    public static final String SHORT_TERM_SHARE = "short-term-share";
    public static final String RECALL_SHARE = "recall-share";
    public static final String SUMMARY_SHARE = "summary-share";

    @Override
    public String name() {
        return HierarchicalStrategy.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        Set<String> keys = new HashSet<>(RunningSummary.OPTION_KEYS);
        keys.add(SHORT_TERM_SHARE);
        keys.add(RECALL_SHARE);
        keys.add(SUMMARY_SHARE);
        return Set.copyOf(keys);
    }

    @Override
    public String description() {
        return "recent turns verbatim, earlier turns recalled by relevance, and a running summary, each in its share of the budget";
    }

    @Override
    public MemoryStrategy create(ProviderOptions options) {
        BudgetShares shares = new BudgetShares(
                options.decimal(SHORT_TERM_SHARE, BudgetShares.DEFAULT.shortTerm()),
                options.decimal(RECALL_SHARE, BudgetShares.DEFAULT.recall()),
                options.decimal(SUMMARY_SHARE, BudgetShares.DEFAULT.summary()));
        return HierarchicalStrategy.of(RunningSummary.fromOptions(name(), options), shares);
    }
}
